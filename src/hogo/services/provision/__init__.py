"""Provision to processors and third parties, with its records (APPI A25, A27–A31)."""
