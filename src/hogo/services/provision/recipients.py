"""The recipients register: each recipient of the policy with its live facts (R-21, R-33).

The policy names a recipient, its kind, basis, groups, purposes and categories. What the law
also asks to know changes over time and lives here, append-only (the latest row of a
recipient is its current facts; every provision names the row it relied on):

- its legal name, address and representative (APPI A27(5)(iii), A29; PPC Rules Art. 20);
- for a processor, the contract (reference, term, security terms, the GDPR Art 28(3) items it
  holds), its sub-processors with their approval, and the last supervision check with how
  often one is due (APPI A25; R-21; G-13);
- for a recipient outside Japan, the EU/EEA and the UK, the basis of foreign provision:
  the person's ``consent`` (the R17 information given: country, its regime, the recipient's
  measures) or an equivalent-measures ``system`` (R16) with its last periodic check (R18;
  R-33). Inside those countries the basis is ``adequate``.

:func:`problems_of` (through :meth:`RecipientRegister.status`) says, in one line each, why a
recipient cannot receive today; ``provide`` refuses while there is any. Only the privacy
office records facts; "today" is the day in Japan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Engine, func, insert, select

from hogo.errors import Forbidden, NotFound, ValidationFailed
from hogo.policy.diff import ADEQUATE
from hogo.policy.model import Policy, Recipient
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record
from hogo.services.rights.deadlines import arrival_date
from hogo.store.tables import recipient_facts

ForeignBasis = Literal["consent", "system", "adequate"]
FOREIGN_BASES: tuple[str, ...] = ("consent", "system", "adequate")
CONTRACT_ITEMS = ("a", "b", "c", "d", "e", "f", "g", "h")  # GDPR Art 28(3)(a)–(h)
DEFAULT_SUPERVISION_DAYS = 365  # at least yearly, as for R16 systems (GL-X)
SYSTEM_CHECK_DAYS = 365  # R18(1)(i): checked periodically, about yearly
REGISTER_ROLES = ("privacy_office",)  # who records recipients' facts
OPTIONAL_TEXTS = ("contract_ref", "security_terms", "foreign_system", "measures", "public_key")


@dataclass(frozen=True, slots=True)
class SubProcessor:
    name: str
    country: str
    approved: bool

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "approved": self.approved}


def require_register_role(actor: Actor) -> None:
    """Only the privacy office records what the company knows of its recipients."""
    if actor.role not in REGISTER_ROLES:
        raise Forbidden(
            f"role {actor.role!r} may not record recipients' facts; "
            f"it is for {', '.join(REGISTER_ROLES)}",
            role=actor.role,
        )


@dataclass(frozen=True, slots=True)
class FactsInput:
    """What the privacy office records about a recipient; ``country`` defaults to the policy's."""

    legal_name: str
    address: str
    representative: str
    country: str | None = None
    contract_ref: str | None = None
    contract_from: dt.date | None = None
    contract_until: dt.date | None = None
    security_terms: str | None = None
    contract_items: tuple[str, ...] = ()
    sub_processors: tuple[SubProcessor, ...] = ()
    supervised_on: dt.date | None = None
    supervision_days: int | None = None
    foreign_basis: ForeignBasis | None = None
    foreign_system: str | None = None
    system_checked_on: dt.date | None = None
    measures: str | None = None
    public_key: str | None = None


@dataclass(frozen=True, slots=True)
class RecipientFacts(FactsInput):
    """A recipient's facts as recorded: which row, when and by whom."""

    recipient: str = ""
    id: int = 0
    recorded_at: dt.datetime = field(default_factory=utc_now)
    recorded_by: str = ""

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON values (dates as ISO text), the shape of the API and ``--json``."""
        return {
            "id": self.id,
            "recipient": self.recipient,
            "legal_name": self.legal_name,
            "address": self.address,
            "representative": self.representative,
            "country": self.country,
            "contract_ref": self.contract_ref,
            "contract_from": _iso(self.contract_from),
            "contract_until": _iso(self.contract_until),
            "security_terms": self.security_terms,
            "contract_items": list(self.contract_items),
            "sub_processors": [sub.to_json() for sub in self.sub_processors],
            "supervised_on": _iso(self.supervised_on),
            "supervision_days": self.supervision_days,
            "foreign_basis": self.foreign_basis,
            "foreign_system": self.foreign_system,
            "system_checked_on": _iso(self.system_checked_on),
            "measures": self.measures,
            "public_key": self.public_key,
            "recorded_at": self.recorded_at.isoformat(),
            "recorded_by": self.recorded_by,
        }


@dataclass(frozen=True, slots=True)
class RecipientStatus:
    """A recipient of the policy, its current facts, and why it cannot receive today."""

    id: str
    declared: Recipient
    facts: RecipientFacts | None
    problems: tuple[str, ...]
    supervision_due: dt.date | None
    system_check_due: dt.date | None

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def country(self) -> str:
        """Where the recipient is: as recorded, else as the policy declares."""
        return (self.facts.country if self.facts else None) or self.declared.country

    def to_json(self) -> dict[str, Any]:
        """Status, problems, due dates and current facts as JSON values."""
        return {
            "id": self.id,
            "title": {"ja": self.declared.title.ja, "en": self.declared.title.en},
            "kind": self.declared.kind,
            "basis": self.declared.basis,
            "country": self.country,
            "foreign": is_foreign(self.country),
            "ready": self.ready,
            "problems": list(self.problems),
            "supervision_due": _iso(self.supervision_due),
            "system_check_due": _iso(self.system_check_due),
            "facts": self.facts.to_json() if self.facts else None,
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def facts_of_row(row: Mapping[Any, Any]) -> RecipientFacts:
    return RecipientFacts(
        legal_name=row["legal_name"],
        address=row["address"],
        representative=row["representative"],
        country=row["country"],
        contract_ref=row["contract_ref"],
        contract_from=row["contract_from"],
        contract_until=row["contract_until"],
        security_terms=row["security_terms"],
        contract_items=tuple(row["contract_items"]),
        sub_processors=tuple(SubProcessor(**entry) for entry in row["sub_processors"]),
        supervised_on=row["supervised_on"],
        supervision_days=row["supervision_days"],
        foreign_basis=row["foreign_basis"],
        foreign_system=row["foreign_system"],
        system_checked_on=row["system_checked_on"],
        measures=row["measures"],
        public_key=row["public_key"],
        recipient=row["recipient"],
        id=row["id"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
    )


def current_facts(connection: Connection, recipient: str) -> RecipientFacts | None:
    """The latest facts recorded for ``recipient``, or ``None``."""
    query = (
        select(recipient_facts)
        .where(recipient_facts.c.recipient == recipient)
        .order_by(recipient_facts.c.id.desc())
        .limit(1)
    )
    row = connection.execute(query).mappings().first()
    return None if row is None else facts_of_row(row)


def all_current_facts(connection: Connection) -> dict[str, RecipientFacts]:
    latest = select(func.max(recipient_facts.c.id)).group_by(recipient_facts.c.recipient)
    query = select(recipient_facts).where(recipient_facts.c.id.in_(latest.scalar_subquery()))
    return {row["recipient"]: facts_of_row(row) for row in connection.execute(query).mappings()}


def is_foreign(country: str) -> bool:
    """Outside Japan and the countries with adequacy (EU/EEA, UK): APPI A28 applies."""
    return country not in ADEQUATE


def problems_of(
    declared: Recipient, facts: RecipientFacts | None, today: dt.date
) -> tuple[tuple[str, ...], dt.date | None, dt.date | None]:
    """Why the recipient cannot receive on ``today``, with the supervision and system dates due."""
    if facts is None:
        return ("no facts recorded: legal name, address and representative (R-34)",), None, None
    found: list[str] = []
    supervision_due = system_due = None
    if facts.country and facts.country != declared.country:
        found.append(
            f"the register puts it in {facts.country}, the policy in {declared.country}: "
            "publish a policy version that names the country first (APPI A21; R-33, R-64)"
        )
    if declared.kind == "processor":
        supervision_due = _processor_problems(facts, today, found)
    if is_foreign(facts.country or declared.country):
        system_due = _foreign_problems(facts, today, found)
    return tuple(found), supervision_due, system_due


def _processor_problems(facts: RecipientFacts, today: dt.date, found: list[str]) -> dt.date | None:
    """R-21, G-13: a contract in force with security terms and the Art 28(3) items (a)–(h),
    approved sub-processors, a supervision check not overdue. Returns when the next check
    is due."""
    if not facts.contract_ref or not facts.security_terms:
        found.append("no entrustment contract with security terms on record (R-21)")
    if facts.contract_from is not None and facts.contract_from > today:
        found.append(f"the contract starts on {facts.contract_from} (R-21)")
    if facts.contract_until is not None and facts.contract_until < today:
        found.append(f"the contract ended on {facts.contract_until} (R-21)")
    missing = [item for item in CONTRACT_ITEMS if item not in facts.contract_items]
    if missing:
        found.append(f"the contract lacks GDPR Art 28(3) items {', '.join(missing)} (G-13)")
    found.extend(
        f"sub-processor {sub.name} ({sub.country}) is not approved (R-21)"
        for sub in facts.sub_processors
        if not sub.approved
    )
    if facts.supervised_on is None:
        found.append("no supervision check on record (APPI A25; R-21)")
        return None
    due = facts.supervised_on + dt.timedelta(
        days=facts.supervision_days or DEFAULT_SUPERVISION_DAYS
    )
    if due < today:
        found.append(f"the supervision check was due on {due} (APPI A25; R-21)")
    return due


def _foreign_problems(facts: RecipientFacts, today: dt.date, found: list[str]) -> dt.date | None:
    """R-33: consent to foreign provision, or an R16 system checked within the year."""
    if facts.foreign_basis == "consent":
        if not (facts.measures or "").strip():
            found.append(
                "its protective measures are not on record: people are told them before they "
                "consent to foreign provision (R17(2); R-33)"
            )
        return None
    if facts.foreign_basis != "system" or not facts.foreign_system:
        found.append(
            f"recipient in {facts.country} (no adequacy) has no basis for foreign provision: "
            "consent or an equivalent-measures system (APPI A28; R-33)"
        )
        return None
    if facts.system_checked_on is None:
        found.append("the equivalent-measures system was never checked (R18; R-33)")
        return None
    due = facts.system_checked_on + dt.timedelta(days=SYSTEM_CHECK_DAYS)
    if due < today:
        found.append(f"the equivalent-measures system's check was due on {due} (R18; R-33)")
    return due


class RecipientRegister:
    """Records recipients' facts and tells whether each can receive."""

    def __init__(self, engine: Engine, policy: Policy, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._policy = policy
        self._clock = clock

    def declared(self, recipient: str) -> Recipient:
        found = self._policy.recipients.get(recipient)
        if found is None:
            known = ", ".join(self._policy.recipients)
            raise NotFound(f"unknown recipient {recipient!r}; the policy names {known}")
        return found

    def record(self, actor: Actor, recipient: str, given: FactsInput) -> RecipientFacts:
        """Append ``given`` as the recipient's current facts; audited. Privacy office only."""
        require_register_role(actor)
        declared = self.declared(recipient)
        values = _values(declared, given)
        now = self._clock()
        with self._engine.begin() as connection:
            inserted = connection.execute(
                insert(recipient_facts)
                .values(recipient=recipient, recorded_at=now, recorded_by=actor.id, **values)
                .returning(recipient_facts.c.id)
            )
            row_id = int(inserted.scalar_one())
            detail = {"recipient": recipient, "facts_id": row_id}
            record(connection, actor, "recipient_facts", subject_id=None, at=now, detail=detail)
            return _facts_with(values, recipient, row_id, now, actor.id)

    def status(self, recipient: str, today: dt.date | None = None) -> RecipientStatus:
        declared = self.declared(recipient)
        with self._engine.connect() as connection:
            facts = current_facts(connection, recipient)
        return _status(recipient, declared, facts, today or self._today())

    def statuses(self, today: dt.date | None = None) -> list[RecipientStatus]:
        """Every recipient of the policy, in the policy's order."""
        with self._engine.connect() as connection:
            facts = all_current_facts(connection)
        day = today or self._today()
        return [
            _status(rid, declared, facts.get(rid), day)
            for rid, declared in self._policy.recipients.items()
        ]

    def history(self, recipient: str) -> list[RecipientFacts]:
        self.declared(recipient)
        query = (
            select(recipient_facts)
            .where(recipient_facts.c.recipient == recipient)
            .order_by(recipient_facts.c.id)
        )
        with self._engine.connect() as connection:
            return [facts_of_row(row) for row in connection.execute(query).mappings()]

    def _today(self) -> dt.date:
        """Contract and check dates are Japanese calendar days."""
        return arrival_date(self._clock(), "appi")


def _status(
    recipient: str, declared: Recipient, facts: RecipientFacts | None, today: dt.date
) -> RecipientStatus:
    problems, supervision_due, system_due = problems_of(declared, facts, today)
    return RecipientStatus(recipient, declared, facts, problems, supervision_due, system_due)


def _values(declared: Recipient, given: FactsInput) -> dict[str, Any]:
    """The row's values, after checking what the database cannot."""
    for name in ("legal_name", "address", "representative"):
        if not getattr(given, name).strip():
            raise ValidationFailed(f"{name} is required (APPI A29; PPC Rules Art. 20)")
    country = (given.country or declared.country).upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationFailed(f"country {country!r} is not an ISO 3166 two-letter code")
    if given.foreign_basis is not None and given.foreign_basis not in FOREIGN_BASES:
        raise ValidationFailed(
            f"unknown foreign basis {given.foreign_basis!r}; expected {', '.join(FOREIGN_BASES)}"
        )
    if given.foreign_basis == "adequate" and is_foreign(country):
        raise ValidationFailed(f"{country} has no adequacy: the basis is consent or system")
    unknown = sorted(set(given.contract_items) - set(CONTRACT_ITEMS))
    if unknown:
        raise ValidationFailed(f"unknown contract items {unknown}; expected letters a to h")
    if given.supervision_days is not None and not 0 < given.supervision_days <= 3660:
        raise ValidationFailed("supervision_days is between 1 and 3660")
    _check_dates(given)
    _check_sub_processors(given.sub_processors)
    texts = {name: _text_or_none(getattr(given, name)) for name in OPTIONAL_TEXTS}
    return {
        "legal_name": given.legal_name.strip(),
        "address": given.address.strip(),
        "representative": given.representative.strip(),
        "country": country,
        "contract_ref": texts["contract_ref"],
        "contract_from": given.contract_from,
        "contract_until": given.contract_until,
        "security_terms": texts["security_terms"],
        "contract_items": sorted(set(given.contract_items)),
        "sub_processors": [sub.to_json() for sub in given.sub_processors],
        "supervised_on": given.supervised_on,
        "supervision_days": given.supervision_days,
        "foreign_basis": given.foreign_basis,
        "foreign_system": texts["foreign_system"],
        "system_checked_on": given.system_checked_on,
        "measures": texts["measures"],
        "public_key": texts["public_key"],
    }


def _text_or_none(value: str | None) -> str | None:
    """A text without surrounding space; a blank one is no text (so no contract is seen)."""
    text = (value or "").strip()
    return text or None


def _check_sub_processors(entries: Sequence[SubProcessor]) -> None:
    for sub in entries:
        if not sub.name.strip():
            raise ValidationFailed("a sub-processor needs a name")
        if not isinstance(sub.approved, bool):  # "false" is a truthy string
            raise ValidationFailed(f"sub-processor {sub.name}: approved is true or false")
        if len(sub.country) != 2 or not sub.country.isalpha() or not sub.country.isupper():
            raise ValidationFailed(
                f"sub-processor {sub.name}: country {sub.country!r} is not an ISO 3166 "
                "two-letter code"
            )


def _check_dates(given: FactsInput) -> None:
    if (
        given.contract_from is not None
        and given.contract_until is not None
        and given.contract_until < given.contract_from
    ):
        raise ValidationFailed(
            f"the contract ends ({given.contract_until}) before it starts ({given.contract_from})"
        )


def _facts_with(
    values: Mapping[str, Any], recipient: str, row_id: int, at: dt.datetime, by: str
) -> RecipientFacts:
    return facts_of_row(
        {**values, "recipient": recipient, "id": row_id, "recorded_at": at, "recorded_by": by}
    )


def sub_processors_of(entries: Sequence[Mapping[str, Any]]) -> tuple[SubProcessor, ...]:
    """Sub-processors from JSON-like mappings (the API's and the CLI's input)."""
    try:
        found = tuple(
            SubProcessor(str(e["name"]).strip(), str(e["country"]).upper(), e["approved"])
            for e in entries
        )
    except (KeyError, TypeError) as error:
        raise ValidationFailed(
            f"a sub-processor needs name, country and approved ({error})"
        ) from None
    _check_sub_processors(found)
    return found
