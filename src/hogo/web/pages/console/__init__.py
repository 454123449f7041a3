"""The privacy office's console: server-rendered pages for rights requests and inquiries."""
