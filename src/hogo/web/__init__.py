"""hogo.web."""
