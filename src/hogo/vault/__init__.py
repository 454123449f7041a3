"""hogo.vault."""
