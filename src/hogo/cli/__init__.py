"""The ``hogo`` command line."""
