"""Outgoing mail: a message (``message``), the sender interface (``sender``), the senders
(``smtp``, ``outbox``, ``memory``) and the registry that picks one by URL (``registry``)."""
