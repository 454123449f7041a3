"""hogo.guard."""
