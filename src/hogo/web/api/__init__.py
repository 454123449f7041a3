"""hogo.web.api."""
