"""Data-subject rights requests: due dates (``deadlines``) and workflow (``requests``)."""
