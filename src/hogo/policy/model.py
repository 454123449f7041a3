"""The policy file's schema.

One pydantic model per section of a privacy policy. The model checks shapes and types only;
cross-references (a purpose naming an undeclared category, …) are checked in
:mod:`hogo.policy.lint`, which can point at the offending key. Every mapping is keyed by a
stable identifier (``snake_case``) that the rest of hogo uses in tables, API calls and audit
entries; titles are bilingual.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER.pattern, max_length=64)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

DeidRole = Literal[
    "direct_identifier",  # name, address, … : replaced or deleted when pseudonymising (R-48 (1))
    "identification_code",  # individual identification codes: always deleted (R-48 (2))
    "property_damage",  # data whose misuse may cause financial damage, e.g. card numbers (R-48 (3))
    "quasi_identifier",  # generalised for k-anonymity when anonymising (R-54 (5))
    "sensitive",  # the attribute an analysis is about; l-diversity protects it
    "other",
]
StorageRule = Literal["encrypt", "token", "never"]
ConsentRule = Literal["not_required", "required", "opt_out"]
GdprBasis = Literal[
    "consent",  # Art. 6(1)(a)
    "contract",  # Art. 6(1)(b)
    "legal_obligation",  # Art. 6(1)(c)
    "vital_interests",  # Art. 6(1)(d)
    "public_task",  # Art. 6(1)(e)
    "legitimate_interests",  # Art. 6(1)(f)
]
LookupKind = Literal["email", "phone"]
RecipientKind = Literal["processor", "group_company", "joint_user", "third_party"]
ProvisionBasis = Literal["entrustment", "joint_use", "consent", "succession", "exception"]
RightKind = Literal[
    "purpose_notice",  # APPI A32(2)
    "disclosure",  # A33(1)
    "provision_records",  # A33(5)
    "correction",  # A34 (correction, addition, deletion)
    "suspension",  # A35(1),(5)
    "erasure",  # A35(1),(5)
    "provision_stop",  # A35(3),(5)
    "portability",  # GDPR Art. 20
    "objection",  # GDPR Art. 21
    "restriction",  # GDPR Art. 18
]
RetentionClock = Literal["collected_at", "last_activity", "relationship_end", "event"]
RetentionAction = Literal["delete", "anonymise"]
CookieCategoryId = Literal["continuity", "statistics", "advertising"]
ISO_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def _check_duration(value: str) -> str:
    if not ISO_DURATION.match(value) or value == "P":
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as P3Y, P6M or P30D")
    return value


Duration = Annotated[str, AfterValidator(_check_duration)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a policy must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in Japanese and English; both are shown to people, so both are required."""

    ja: NonEmpty
    en: NonEmpty


class Controller(Strict):
    name: Text
    address: Text
    representative: Text
    profile_url: str | None = None


class Category(Strict):
    """A kind of personal data item (§1)."""

    title: Text
    deid: DeidRole
    storage: StorageRule = "encrypt"
    special_care: bool = False  # 要配慮個人情報 (APPI A2(3)); R-08
    lookup: LookupKind | None = None  # kept with a keyed blind index so a subject can be found
    personally_referable: bool = False  # 個人関連情報 until linked to a member
    required_for: list[Identifier] = Field(default_factory=list)  # purposes needing it (§3)


class SubjectGroup(Strict):
    """Whose data it is (§1's four headings, split where the seed lists distinct people)."""

    title: Text
    section: str
    collects: list[Identifier]


class LegalBasis(Strict):
    appi: NonEmpty  # the APPI provision the processing rests on, e.g. "A17(1), A18(1)"
    gdpr: GdprBasis
    lia: str | None = None  # legitimate-interests assessment reference (G-01)


class Purpose(Strict):
    """A purpose for processing (§2), specified in advance (APPI A17(1))."""

    title: Text
    description: Text
    section: str
    groups: list[Identifier]
    categories: list[Identifier]
    legal_basis: LegalBasis
    consent: ConsentRule = "not_required"
    consent_version: str | None = None  # consents for another version do not count
    # Why this purpose, new or changed in this version, stays within what people can normally
    # expect (APPI A17(2); R-04): such a change needs notice, not consent (hogo.policy.diff).
    related: NonEmpty | None = None


class Responsible(Strict):
    name: Text
    address: Text
    representative: Text


class JointUse(Strict):
    """The five items published before joint use (APPI A27(5)(iii); R-31)."""

    categories: list[Identifier]  # ② the jointly used items
    users_scope: Text  # ③ who the joint users are
    purposes: list[Identifier]  # ④ the users' purposes
    responsible: Responsible  # ⑤ the person responsible
    published_at: dt.date  # ① that joint use is conducted, and when it was made known


class Recipient(Strict):
    """A type of recipient that personal data may be provided to (§5)."""

    title: Text
    kind: RecipientKind
    basis: ProvisionBasis
    groups: list[Identifier]
    purposes: list[Identifier] = Field(default_factory=list)
    categories: list[Identifier] = Field(default_factory=list)
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "JP"
    joint_use: JointUse | None = None


class ProvisionException(Strict):
    """A case in which provision needs no consent (§5 "Others"; APPI A27(1), A27(5))."""

    title: Text
    appi: NonEmpty


class StorageLocation(Strict):
    """Where a system keeps personal data, and what is known of that country's regime (R-22)."""

    system: NonEmpty
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    groups: list[Identifier]
    regime_notes: Text
    reviewed_at: dt.date


Scope = list[Identifier] | Literal["*"]


class Role(Strict):
    """Persons in charge and the data they may handle (§6 organisational measures; R-15)."""

    title: Text
    groups: Scope
    categories: Scope
    purposes: Scope


class Rights(Strict):
    """The requests the company answers (§7) and how."""

    offered: list[RightKind]
    deadline_days: Annotated[int, Field(gt=0, le=30)] = 14  # internal SLA before A39's 2 weeks
    gdpr_deadline_days: Annotated[int, Field(gt=0, le=30)] = 30
    identity_check: list[NonEmpty]
    fees_jpy: dict[RightKind, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    # How long after a request closed its requester's own words and files are kept; the record
    # of the request (kind, dates, decisions) stays as proof that it was answered.
    request_retention: Duration = "P3Y"


class InquiryDesk(Strict):
    """The desk for questions and complaints (§8; APPI A40, R-47)."""

    name: Text
    form_url: NonEmpty
    channels: list[NonEmpty]
    response_days: Annotated[int, Field(ge=1, le=30)] = 14  # target for a first answer
    retention: Duration = "P3Y"  # how long a closed ticket's messages are kept


class RetentionRule(Strict):
    """How long items of some categories are kept (§4), and what happens then."""

    categories: list[Identifier]
    purposes: list[Identifier] = Field(default_factory=list)  # empty: whatever the purpose
    subject_groups: list[Identifier] = Field(default_factory=list)  # empty: every group
    clock: RetentionClock
    event: Identifier | None = None  # with clock "event": the event that starts the clock
    duration: Duration
    then: RetentionAction = "delete"
    legal_minimum: Duration | None = None  # a statutory floor, never shortened
    why: NonEmpty


class RetentionEvent(Strict):
    """Something that happens to a person and starts a retention clock (``clock: event``),
    recorded with ``hogo subjects event``."""

    title: Text


class CookieTag(Strict):
    """A tag that makes the browser send information to another party (R-60; D22): what is
    sent, who handles it there, and what for, shown before the tag runs."""

    title: Text
    recipient: Text  # the name of the entity handling the information at the destination
    destination: NonEmpty  # the host the browser sends to, e.g. analytics.example.com
    data_sent: list[Text]
    purpose: Text


class CookieCategory(Strict):
    """One of the uses of cookies of §12 (i)–(iii); R-63, G-20."""

    title: Text
    description: Text
    section: str
    consent_eu: ConsentRule  # what an EU visitor must do before it is set
    consent_jp: ConsentRule
    purposes: list[Identifier]
    tags: dict[Identifier, CookieTag] = Field(default_factory=dict)


class AccessLogUse(Strict):
    title: Text
    section: str
    purposes: list[Identifier]


class AccessLogs(Strict):
    """Access logs of §13; R-62."""

    categories: list[Identifier]
    uses: dict[Identifier, AccessLogUse]
    ipv4_prefix: Annotated[int, Field(ge=0, le=32)] = 24
    ipv6_prefix: Annotated[int, Field(ge=0, le=128)] = 48
    # The cookie (or JSON field) that carries a member's reference; R-61.
    member_cookie: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")] | None = (
        None
    )


class Minors(Strict):
    """Guardian consent below an age, per jurisdiction (§14; R-10, G-03)."""

    thresholds: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")], int]
    default_jurisdiction: str = "JP"


class Deid(Strict):
    """De-identification settings (§9–10)."""

    k: Annotated[int, Field(ge=2)] = 5


class Policy(Strict):
    """A whole privacy policy, one version of it."""

    version: NonEmpty
    effective_from: dt.date
    controller: Controller
    subject_groups: dict[Identifier, SubjectGroup]
    categories: dict[Identifier, Category]
    purposes: dict[Identifier, Purpose]
    recipients: dict[Identifier, Recipient]
    provision_exceptions: dict[Identifier, ProvisionException]
    storage_locations: list[StorageLocation]
    roles: dict[Identifier, Role]
    rights: Rights
    inquiry_desk: InquiryDesk
    retention: dict[Identifier, RetentionRule]
    # The events that start clocks besides the two every policy has (CLOCK_EVENTS).
    events: dict[Identifier, RetentionEvent] = Field(default_factory=dict)
    cookies: dict[CookieCategoryId, CookieCategory]
    access_logs: AccessLogs
    minors: Minors
    deid: Deid = Deid()

    def role_groups(self, role: str) -> list[str]:
        scope = self.roles[role].groups
        return list(self.subject_groups) if scope == "*" else scope

    def role_categories(self, role: str) -> list[str]:
        scope = self.roles[role].categories
        return list(self.categories) if scope == "*" else scope

    def role_purposes(self, role: str) -> list[str]:
        scope = self.roles[role].purposes
        return list(self.purposes) if scope == "*" else scope
