"""hogo.services."""
