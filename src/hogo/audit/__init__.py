"""hogo.audit."""
