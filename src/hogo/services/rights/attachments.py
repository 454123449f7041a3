"""Files that come with a request, such as an agent's power of attorney (R-44).

A file is encrypted with AES-GCM under the data key of the request's subject, so erasing the
subject (which destroys its data key) destroys the file with the rest of its data. The
associated data binds the ciphertext to its request and purpose: a row copied onto another
request no longer opens. Only PDF, PNG and JPEG are taken, and the content must start the way
its declared type does.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, insert, select

from hogo.errors import KeyMismatch, NotFound, TooLarge, ValidationFailed
from hogo.store.tables import request_attachments
from hogo.vault.envelope import unwrap_data_key
from hogo.vault.items import SubjectRow
from hogo.vault.keys import NONCE_BYTES, KeyRing

MAX_BYTES = 5 * 1024 * 1024
MAX_FILENAME = 200
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
AGENT_PROOF = "agent_proof"


@dataclass(frozen=True, slots=True)
class Proof:
    """A file as uploaded: its bytes, the name it had and its media type."""

    content: bytes = field(repr=False)
    filename: str
    media_type: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A stored file, decrypted."""

    id: int
    request_id: int
    purpose: str
    filename: str
    media_type: str
    size: int
    uploaded_at: dt.datetime
    content: bytes = field(repr=False)


def check_proof(proof: Proof) -> Proof:
    """The proof with a safe file name, or why it is refused (too large: 413)."""
    if len(proof.content) > MAX_BYTES:
        raise TooLarge(f"a proof file is at most {MAX_BYTES // (1024 * 1024)} MB")
    if not proof.content:
        raise ValidationFailed("the proof file is empty")
    media_type = proof.media_type.split(";", 1)[0].strip().lower()
    signatures = SIGNATURES.get(media_type)
    if signatures is None:
        raise ValidationFailed(
            f"a proof file is one of {', '.join(SIGNATURES)}, not {proof.media_type!r}"
        )
    if not proof.content.startswith(signatures):
        raise ValidationFailed(f"the proof file's content is not {media_type}")
    return Proof(proof.content, safe_filename(proof.filename, media_type), media_type)


def safe_filename(name: str, media_type: str) -> str:
    """The last path part, without control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return cleaned[:MAX_FILENAME] or f"proof.{media_type.rsplit('/', 1)[-1]}"


def store(
    connection: Connection,
    keyring: KeyRing,
    subject: SubjectRow,
    request_id: int,
    proof: Proof,
    *,
    purpose: str,
    now: dt.datetime,
) -> int:
    """Encrypt the file under the subject's data key and store it with the request."""
    data_key = unwrap_data_key(keyring, subject.wrapped_key, subject.group, subject.ref)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, proof.content, _aad(request_id, purpose))
    row = {
        "request_id": request_id,
        "subject_id": subject.id,
        "purpose": purpose,
        "filename": proof.filename,
        "media_type": proof.media_type,
        "size": len(proof.content),
        "ciphertext": nonce + sealed,
        "uploaded_at": now,
    }
    inserted = insert(request_attachments).values(row).returning(request_attachments.c.id)
    return int(connection.execute(inserted).scalar_one())


def load(
    connection: Connection, keyring: KeyRing, subject: SubjectRow, request_id: int
) -> list[Attachment]:
    """The request's files, decrypted; :class:`KeyMismatch` once the subject is erased."""
    rows = connection.execute(
        select(request_attachments)
        .where(request_attachments.c.request_id == request_id)
        .order_by(request_attachments.c.id)
    ).all()
    if not rows:
        return []
    if not subject.wrapped_key:
        raise NotFound(f"the files of request {request_id} were destroyed with its subject")
    aes = AESGCM(unwrap_data_key(keyring, subject.wrapped_key, subject.group, subject.ref))
    return [
        Attachment(
            id=row.id,
            request_id=row.request_id,
            purpose=row.purpose,
            filename=row.filename,
            media_type=row.media_type,
            size=row.size,
            uploaded_at=row.uploaded_at,
            content=_open(aes, bytes(row.ciphertext), row.request_id, row.purpose, row.id),
        )
        for row in rows
    ]


def _open(aes: AESGCM, stored: bytes, request_id: int, purpose: str, row_id: int) -> bytes:
    nonce, sealed = stored[:NONCE_BYTES], stored[NONCE_BYTES:]
    try:
        return aes.decrypt(nonce, sealed, _aad(request_id, purpose))
    except InvalidTag:
        raise KeyMismatch(
            f"attachment {row_id} does not decrypt: it was altered or moved"
        ) from None


def _aad(request_id: int, purpose: str) -> bytes:
    return f"request-attachment\x00{request_id}\x00{purpose}".encode()
