"""hogo.auth: API keys, each bound to one role of the policy (R-16)."""
