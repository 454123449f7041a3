"""Retention: which rule covers an item, legal holds, and the sweep that deletes what is due."""
