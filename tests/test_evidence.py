"""Consent evidence keeps the network, not the address (R-09, G-02)."""

from __future__ import annotations

import pytest

from hogo.errors import ValidationFailed
from hogo.evidence import consent_evidence, truncate_ip


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("::1", "::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
    ],
)
def test_G02_ip_addresses_are_kept_only_to_their_network(address: str, network: str) -> None:
    assert truncate_ip(address) == network


def test_G02_evidence_keeps_known_keys_and_drops_the_query_string() -> None:
    kept = consent_evidence(
        {"ip": "192.0.2.10", "page": "https://shop.example/join?ref=abc#top", "form": "signup"}
    )
    assert kept == {"ip": "192.0.2.0/24", "page": "https://shop.example/join", "form": "signup"}
    with pytest.raises(ValidationFailed, match="unknown evidence"):
        consent_evidence({"cookie": "x"})
    with pytest.raises(ValidationFailed, match="not an IP address"):
        consent_evidence({"ip": "example.org"})
