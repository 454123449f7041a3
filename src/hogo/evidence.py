"""What a consent record keeps as evidence, and nothing more (R-09, G-02).

Evidence shows that a person gave or withdrew consent, on which page and form, from which kind
of browser, without keeping a full IP address: addresses are cut to their network (IPv4 /24 and
IPv6 /48 unless the policy says otherwise), which is enough to show where a request came from
and too little to single out a household.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from hogo.errors import ValidationFailed

EVIDENCE_KEYS = ("page", "form", "user_agent", "ip")
MAX_TEXT = 300


def truncate_ip(address: str, ipv4_prefix: int = 24, ipv6_prefix: int = 48) -> str:
    """The network an address belongs to, as ``a.b.c.0/24`` or ``2001:db8:1::/48``.

    An IPv4-mapped IPv6 address is treated as the IPv4 address it carries.
    """
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        raise ValidationFailed(f"{address!r} is not an IP address") from None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    prefix = ipv4_prefix if parsed.version == 4 else ipv6_prefix
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


def page_without_query(page: str) -> str:
    """The page's address without query string or fragment, which may carry identifiers."""
    return page.split("#", 1)[0].split("?", 1)[0][:MAX_TEXT]


def consent_evidence(
    given: Mapping[str, str] | None, ipv4_prefix: int = 24, ipv6_prefix: int = 48
) -> dict[str, str] | None:
    """The evidence to store: known keys only, texts cut short, the IP truncated."""
    if not given:
        return None
    unknown = sorted(set(given) - set(EVIDENCE_KEYS))
    if unknown:
        raise ValidationFailed(
            f"unknown evidence {', '.join(unknown)}; expected {', '.join(EVIDENCE_KEYS)}"
        )
    kept = {key: str(value)[:MAX_TEXT] for key, value in given.items() if value}
    if "ip" in kept:
        kept["ip"] = truncate_ip(kept["ip"], ipv4_prefix, ipv6_prefix)
    if "page" in kept:
        kept["page"] = page_without_query(kept["page"])
    return kept
