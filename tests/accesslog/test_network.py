"""Client addresses are stored only as their network (R-61)."""

from __future__ import annotations

import ipaddress

import polars as pl
import pytest

from hogo.accesslog.network import UNKNOWN, truncate_ip


def cut(addresses: list[str], ipv4_prefix: int = 24, ipv6_prefix: int = 48) -> list[str]:
    frame = pl.DataFrame({"ip": addresses}, schema={"ip": pl.String})
    return frame.select(truncate_ip(pl.col("ip"), ipv4_prefix, ipv6_prefix).alias("cut"))[
        "cut"
    ].to_list()


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("10.0.0.1", "10.0.0.0/24"),
        (" 192.0.2.255 ", "192.0.2.0/24"),
        ("::1", "::/48"),
        ("2001:db8::1", "2001:db8::/48"),
        ("2001:DB8:ABCD:0012:0000:0000:0000:0001", "2001:db8:abcd::/48"),
        ("2001:db8:0:1::", "2001:db8::/48"),
        ("1::", "1::/48"),
        ("::", "::/48"),
        ("fe80::1%eth0", "fe80::/48"),
        ("::ffff:192.0.2.33", "192.0.2.0/24"),  # IPv4-mapped: the IPv4 host it maps
        ("::FFFF:198.51.100.7", "198.51.100.0/24"),
    ],
)
def test_R61_addresses_are_cut_to_their_network(address: str, network: str) -> None:
    assert cut([address]) == [network]


@pytest.mark.parametrize(
    "address",
    [
        "256.1.1.1",
        "1.2.3",
        "host.example.jp",
        "-",
        "",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        ":::",
        "1:2:3:4:5:6:7",
        "12345::",
        "g::1",
    ],
)
def test_R61_what_is_no_address_is_stored_as_unknown(address: str) -> None:
    assert cut([address]) == [UNKNOWN]


def test_R61_null_is_unknown() -> None:
    assert cut([None]) == [UNKNOWN]  # type: ignore[list-item]


@pytest.mark.parametrize(("v4", "v6"), [(24, 48), (16, 64), (0, 0), (20, 52), (8, 32), (32, 56)])
def test_R61_every_prefix_agrees_with_the_standard_library(v4: int, v6: int) -> None:
    addresses = [
        "203.0.113.77",
        "10.255.1.2",
        "2001:db8:abcd:1234:5678::9",
        "::1",
        "2001:db8::1",
        "fe80::aa:bb",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "::ffff:192.0.2.33",
    ]
    expected = []
    for text in addresses:
        address = ipaddress.ip_address(text)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        prefix = v4 if address.version == 4 else v6
        expected.append(str(ipaddress.ip_network(f"{address}/{prefix}", strict=False)))
    assert cut(addresses, v4, v6) == expected


def test_R61_a_full_ipv6_prefix_keeps_all_eight_hextets() -> None:
    assert cut(["2001:db8::1"], ipv6_prefix=128) == ["2001:db8:0:0:0:0:0:1/128"]
