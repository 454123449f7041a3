"""Access logs of §13: read web-server logs column-wise, cut addresses to their network,
classify user agents, link a line to a member only where the policy allows it (R-61, R-62)."""
