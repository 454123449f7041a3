"""hogo.policy."""
