"""hogo.store."""
