"""Keyed pseudonym tokens for a whole column at once (R-48 (1): no restorable rule).

A token is AES-256-CMAC (NIST SP 800-38B, the PRF inside AES-SIV) of the value's UTF-8 bytes
under a key kept apart from the data, written as 32 hex digits. The same value always gives
the same token under one key, so joins on a tokenised column still work; without the key a
token cannot be computed, guessed from a list of names, or turned back into the value.

CMAC, unlike HMAC, runs on AES blocks, so a column is tokenised with one AES-ECB call per
block position over all values at once (numpy prepares the blocks): there is no Python loop
per value. A value of up to 16 bytes costs one AES block, an e-mail address two.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

BLOCK = 16
TOKEN_LABEL = b"hogo/v1/pseudonym-token"
METHOD = "hogo-pseudonym-v1: AES-256-CMAC of the UTF-8 value, 32 hex digits"
SAMPLE = 10_000
REPEATED = 0.9
HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)

Bytes2D = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]


def token_key(secret: bytes) -> bytes:
    """The AES-256 key for tokens, derived from the pseudonymisation key file's secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=TOKEN_LABEL).derive(secret)


def tokenise(values: pl.Series, key: bytes) -> pl.Series:
    """The token of each value (nulls stay null); ``values`` itself is not changed.

    A column whose values repeat (names, addresses) is tokenised once per distinct value and
    mapped back; a nearly unique one (e-mail, telephone) directly, which is cheaper than
    finding its distinct values first.
    """
    text = values if values.dtype == pl.String else values.cast(pl.String)
    if _repeats(text):
        distinct = text.drop_nulls().unique()
        tokens = _hex(cmac_many(distinct, key))
        return text.replace_strict(distinct, tokens, default=None).alias(values.name)
    tokens = _hex(cmac_many(text.fill_null(""), key))
    nulls = text.is_null()
    if nulls.any():
        tokens = pl.select(pl.when(nulls).then(None).otherwise(tokens)).to_series()
    return tokens.alias(values.name)


def _repeats(text: pl.Series) -> bool:
    """Whether a sample of about 10,000 values holds under 90 % distinct values."""
    sample = text.gather_every(max(1, text.len() // SAMPLE))
    return sample.n_unique() < REPEATED * sample.len()


def cmac_many(values: pl.Series, key: bytes) -> Bytes2D:
    """AES-CMAC of every string in ``values`` (no nulls), one row of 16 bytes each."""
    # ECB here is the raw block cipher that CMAC chains by hand, one block per value per call;
    # no data is encrypted with it.
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # noqa: S305
    k1, k2 = _subkeys(encryptor.update(bytes(BLOCK)))
    lengths = values.str.len_bytes().cast(pl.Int64).to_numpy()
    blocks, first_block, counts = _padded_blocks(values, lengths, k1, k2)
    order = np.argsort(-counts, kind="stable")  # longest first: active rows are a prefix
    starts, counts = first_block[order], counts[order]
    state = np.zeros((len(order), BLOCK), dtype=np.uint8)
    for position in range(int(counts.max(initial=0))):
        active = int(np.count_nonzero(counts > position))
        mixed = state[:active] ^ blocks[starts[:active] + position]
        state[:active] = _encrypt(encryptor, mixed)
    tags = np.empty_like(state)
    tags[order] = state
    return tags


def _padded_blocks(
    values: pl.Series, lengths: Ints, k1: Bytes2D, k2: Bytes2D
) -> tuple[Bytes2D, Ints, Ints]:
    """Each value padded and masked as CMAC's last block requires, as rows of 16 bytes."""
    data = np.frombuffer(values.str.join("").item().encode("utf-8"), dtype=np.uint8)
    counts = np.maximum(1, (lengths + BLOCK - 1) // BLOCK).astype(np.int64)
    first_block = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(counts[:-1], out=first_block[1:])
    source_start = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=source_start[1:])
    padded = np.zeros(int(counts.sum()) * BLOCK, dtype=np.uint8)
    index = np.int32 if len(padded) < 2**31 else np.int64  # half the memory traffic
    shift = np.repeat((first_block * BLOCK - source_start).astype(index), lengths)
    shift += np.arange(len(data), dtype=index)
    padded[shift] = data
    complete = (lengths > 0) & (lengths % BLOCK == 0)
    ends = first_block * BLOCK + lengths
    padded[ends[~complete]] = 0x80
    blocks = padded.reshape(-1, BLOCK)
    last = first_block + counts - 1
    blocks[last] ^= np.where(complete[:, None], k1, k2).astype(np.uint8)
    return blocks, first_block, counts


def _encrypt(encryptor: CipherContext, rows: Bytes2D) -> Bytes2D:
    out = np.frombuffer(encryptor.update(rows.tobytes()), dtype=np.uint8)
    return out.reshape(-1, BLOCK)


def _subkeys(zero_block: bytes) -> tuple[Bytes2D, Bytes2D]:
    first = _double(zero_block)
    return np.frombuffer(first, np.uint8), np.frombuffer(_double(first), np.uint8)


def _double(block: bytes) -> bytes:
    value = int.from_bytes(block, "big") << 1
    if value >> 128:
        value ^= 0x87
    return (value & ((1 << 128) - 1)).to_bytes(BLOCK, "big")


def _hex(tags: Bytes2D) -> pl.Series:
    digits = np.empty((tags.shape[0], 2 * BLOCK), dtype=np.uint8)
    digits[:, 0::2] = HEX_DIGITS[tags >> 4]
    digits[:, 1::2] = HEX_DIGITS[tags & 0x0F]
    return pl.Series(digits.view(f"S{2 * BLOCK}").ravel()).cast(pl.String)
