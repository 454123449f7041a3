"""What a person submits at the privacy center, checked before anything is looked up.

Every check here is made the same way whether or not the address is on file, so an error
never tells the two apart. R-44: the person is asked for nothing the company does not already
hold (an e-mail address) beyond what identifies the request; an agent adds who they are and a
proof of their authority.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hogo.errors import ValidationFailed
from hogo.policy.model import Policy
from hogo.services.rights.attachments import Proof, check_proof
from hogo.services.rights.deadlines import Regime
from hogo.services.rights.kinds import RequestKind, check_submission
from hogo.services.rights.letters import LANGS, Lang, language
from hogo.vault.blind_index import normalise_email

CHANNEL = "privacy_center"
AGENT_TYPES = ("legal_representative", "attorney")  # CO 13: of a minor or adult ward; by proxy
METHODS = ("electronic", "paper")  # APPI A33(1): how the person wants the disclosure
PERSON_DETAILS = ("method", "description")
MAX_EMAIL = 254
MAX_NAME = 200
MAX_DESCRIPTION = 2000
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Agent:
    """Who files the request for the person (R-44)."""

    type: str
    name: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Submission:
    """A checked submission: what the requests are made of."""

    email: str = field(repr=False)
    kind: RequestKind
    regime: Regime
    ground: str | None
    lang: Lang
    details: dict[str, Any]
    agent: Agent | None
    proof: Proof | None


def check(
    policy: Policy,
    email: str,
    kind: RequestKind,
    regime: Regime,
    *,
    ground: str | None,
    details: Mapping[str, Any] | None,
    lang: str,
    agent: Mapping[str, Any] | None,
    proof: Proof | None,
) -> Submission:
    """The submission, or :class:`ValidationFailed` (:class:`TooLarge`) saying what is wrong."""
    address = _check_email(email)
    check_submission(policy, kind, regime, 0, ground)
    if lang not in LANGS:
        raise ValidationFailed(f"unknown language {lang!r}; expected ja or en")
    checked_agent = _check_agent(agent)
    if checked_agent is not None and proof is None:
        raise ValidationFailed(
            "an agent sends a proof of authority, such as a power of attorney (R-44)"
        )
    if checked_agent is None and proof is not None:
        raise ValidationFailed("a proof file is sent only with an agent's request")
    checked_proof = check_proof(proof) if proof is not None else None
    stored = {
        **_person_details(details),
        "channel": CHANNEL,
        "lang": lang,
        "id_check": {"method": "email_code", "result": "pending"},
    }
    if checked_agent is not None and checked_proof is not None:
        stored["agent"] = {
            "type": checked_agent.type,
            "name": checked_agent.name,
            "proof": "pending",  # the privacy office checks it, then verifies the request
            "proof_file": checked_proof.filename,
        }
    return Submission(
        email=address,
        kind=kind,
        regime=regime,
        ground=ground,
        lang=language(lang),
        details=stored,
        agent=checked_agent,
        proof=checked_proof,
    )


def _check_email(email: str) -> str:
    address = email.strip()
    if not address or len(address) > MAX_EMAIL or not _ADDRESS.match(normalise_email(address)):
        raise ValidationFailed("an e-mail address looks like name@example.jp")
    return address


def _person_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    given = dict(details or {})
    unknown = sorted(set(given) - set(PERSON_DETAILS))
    if unknown:
        raise ValidationFailed(
            f"unknown detail {unknown[0]!r}; expected {', '.join(PERSON_DETAILS)}"
        )
    method = given.get("method")
    if method is not None and method not in METHODS:
        raise ValidationFailed(f"unknown method {method!r}; expected {', '.join(METHODS)}")
    description = given.get("description")
    if description is not None and (
        not isinstance(description, str) or len(description) > MAX_DESCRIPTION
    ):
        raise ValidationFailed(f"a description is a text of at most {MAX_DESCRIPTION} characters")
    return {key: value for key, value in given.items() if value is not None}


def _check_agent(agent: Mapping[str, Any] | None) -> Agent | None:
    if agent is None:
        return None
    kind, name = agent.get("type"), agent.get("name")
    if kind not in AGENT_TYPES:
        raise ValidationFailed(f"unknown agent type {kind!r}; expected {', '.join(AGENT_TYPES)}")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise ValidationFailed(f"an agent's name has 1 to {MAX_NAME} characters")
    unknown = sorted(set(agent) - {"type", "name"})
    if unknown:
        raise ValidationFailed(f"unknown agent field {unknown[0]!r}; expected type and name")
    return Agent(str(kind), name.strip())
