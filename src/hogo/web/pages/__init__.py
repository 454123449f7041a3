"""hogo.web.pages."""
