"""The privacy center: the pages where a person makes, confirms and follows rights requests."""
