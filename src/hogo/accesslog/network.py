"""Client addresses cut to their network, as one Polars expression (R-61).

IPv4 ``203.0.113.77`` becomes ``203.0.113.0/24``; IPv6 ``2001:db8:1:2::5`` becomes
``2001:db8:1::/48`` (the prefixes come from the policy). An IPv4-mapped IPv6 address
(``::ffff:203.0.113.77``) is the IPv4 host it maps and is cut as IPv4. Anything that is no
address (a host name, ``-``) becomes ``unknown``: a host name can name a customer's line.

Both families are handled column-wise, without a per-row Python call, in stages (each
intermediate is a column, computed once): IPv4 octets by one regex, the network by integer
arithmetic. IPv6 is worked out only for the rows that are not IPv4 (the minority; their rows
are filtered out, computed and scattered back): expanded to its eight hextets with list
expressions (the ``::`` run rebuilt with ``repeat_by``), each kept hextet masked as an integer
and written back in lower-case hex with leading zeros dropped; the zero hextets at the end of
the kept part join the ``::``, so a /48 or /64 network is written as :mod:`ipaddress` writes
it. For prefixes above 64 the form is valid but not always the shortest (the longest zero run
might lie inside the kept part; /128 is written in full).
"""

from __future__ import annotations

from functools import partial

import polars as pl

UNKNOWN = "unknown"
IPV4 = r"^(?P<o1>\d{1,3})\.(?P<o2>\d{1,3})\.(?P<o3>\d{1,3})\.(?P<o4>\d{1,3})$"
MAPPED = r"^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$"
HEXTETS = r"[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*"
IPV6_SHAPE = rf"^(?:{HEXTETS})?(?:::(?:{HEXTETS})?)?$"
TRAILING_ZEROS = r"(?:^0|:0)(?::0)*$"
HEX_DIGITS = list("0123456789abcdef")


def truncate_ip(address: pl.Expr, ipv4_prefix: int = 24, ipv6_prefix: int = 48) -> pl.Expr:
    """``address`` (a string column) cut to its network as ``network/prefix``, or ``unknown``.

    The column is handed to :func:`cut_addresses` whole (one call per column, not per row).
    """
    return address.map_batches(
        partial(cut_addresses, ipv4_prefix=ipv4_prefix, ipv6_prefix=ipv6_prefix),
        return_dtype=pl.String,
    )


def cut_addresses(addresses: pl.Series, ipv4_prefix: int = 24, ipv6_prefix: int = 48) -> pl.Series:
    """Each address of ``addresses`` cut to its network, or ``unknown``."""
    text = addresses.cast(pl.String).str.strip_chars().str.to_lowercase().str.replace(r"%.*$", "")
    mapped = text.str.extract(MAPPED, 1)
    v4 = _ipv4_networks(mapped.fill_null(text), ipv4_prefix)
    other = (v4.is_null() & text.str.contains(":", literal=True)).arg_true()
    result = v4.clone()
    if other.len():
        result.scatter(other, _ipv6_networks(text.gather(other), ipv6_prefix))
    return result.fill_null(UNKNOWN).alias(addresses.name)


def _ipv4_networks(text: pl.Series, prefix: int) -> pl.Series:
    octets = text.str.extract_groups(IPV4).struct.unnest()
    columns = [pl.col(f"o{i}").cast(pl.Int64, strict=False) for i in range(1, 5)]
    block = 2 ** (32 - prefix)
    network = (
        octets.with_columns(columns)
        .with_columns(valid=pl.all_horizontal([pl.col(f"o{i}") <= 255 for i in range(1, 5)]))
        .with_columns(
            n=(pl.col("o1") * 16777216 + pl.col("o2") * 65536 + pl.col("o3") * 256 + pl.col("o4"))
            // block
            * block
        )
    )
    written = pl.concat_str(
        [(pl.col("n") // 2 ** (8 * (3 - i)) % 256).cast(pl.String) for i in range(4)],
        separator=".",
    )
    return network.select(pl.when("valid").then(written + pl.lit(f"/{prefix}")))["n"]


def _hex(column: str) -> pl.Expr:
    """A 16-bit integer column in lower-case hex without leading zeros (``0`` for zero)."""
    digits = list(range(16))
    nibbles = [
        (pl.col(column) // 16**shift % 16).replace_strict(
            digits, HEX_DIGITS, return_dtype=pl.String
        )
        for shift in (3, 2, 1, 0)
    ]
    stripped = pl.concat_str(nibbles).str.strip_chars_start("0")
    return pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped).alias(column)


def _hextets(text: pl.Series) -> pl.DataFrame:
    """Columns ``valid`` and ``full`` (the eight hextets, ``::`` expanded) of each address."""
    non_empty = pl.element() != ""
    return (
        pl.DataFrame({"t": text})
        .with_columns(halves=pl.col("t").str.split_exact("::", 1))
        .with_columns(
            head=pl.col("halves").struct.field("field_0").str.split(":").list.filter(non_empty),
            tail=pl.col("halves")
            .struct.field("field_1")
            .fill_null("")
            .str.split(":")
            .list.filter(non_empty),
            compressed=pl.col("halves").struct.field("field_1").is_not_null(),
            shaped=pl.col("t").str.contains(IPV6_SHAPE) & (pl.col("t").str.len_chars() > 1),
        )
        .with_columns(missing=8 - pl.col("head").list.len() - pl.col("tail").list.len())
        .select(
            valid=pl.col("shaped")
            & pl.when("compressed").then(pl.col("missing") >= 1).otherwise(pl.col("missing") == 0),
            full=pl.concat_list(
                "head", pl.lit("0").repeat_by(pl.col("missing").clip(0, 8)), "tail"
            ),
        )
    )


def _ipv6_networks(text: pl.Series, prefix: int) -> pl.Series:
    frame = _hextets(text)
    kept = -(-prefix // 16)
    names = [f"h{index}" for index in range(kept)]
    masked = []
    for index, name in enumerate(names):
        mask = (0xFFFF << (16 - min(16, prefix - 16 * index))) & 0xFFFF
        value = (
            pl.col("full").list.get(index, null_on_oob=True).str.to_integer(base=16, strict=False)
        )
        masked.append(value.and_(mask).alias(name))
    hexed = frame.with_columns(masked).with_columns([_hex(name) for name in names])
    joined = pl.concat_str(names, separator=":") if names else pl.lit("")
    # The zero hextets that end the kept part join the "::" of the rest (not for a /128).
    written = joined if kept == 8 else joined.str.replace(TRAILING_ZEROS, "") + pl.lit("::")
    result = hexed.select(pl.when("valid").then(written + pl.lit(f"/{prefix}")).alias("n"))
    return result["n"]
