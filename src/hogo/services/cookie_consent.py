"""The cookie consent ledger: every choice made in the consent banner, kept as proof.

Each choice is one new row of ``cookie_consents`` (append-only in the database itself): the
visitor's random id, the signed-in member if the site vouched for one with a member token,
the policy and notice versions shown, the choice per cookie use (§12 (i)–(iii); R-63, G-20),
whether Global Privacy Control was on, and evidence cut to what proves the choice (the IP
address truncated to its network, the user agent, the page without its query). The latest row
of a visitor is their current choice; withdrawing is one more row (G-02).

Refused, with nothing recorded: an unknown cookie use, a visitor id that is not a random token
of the banner's shape, ``continuity`` switched off (it is always on), a notice other than the
current one, a member token that does not verify. A GPC signal refuses advertising (G-10,
GDPR Art. 21(5)): advertising is recorded off whatever the choice said, and the receipt names
what GPC turned off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from hogo.errors import ValidationFailed
from hogo.evidence import MAX_TEXT, page_without_query, truncate_ip
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.cookie_notice import ALWAYS_ON, GPC_REFUSES, EarlierNotice, banner_config
from hogo.services.member_tokens import MemberTokens
from hogo.services.rights.limits import Budget, count_attempt, over_limit, throttle
from hogo.store.tables import cookie_consents, subjects
from hogo.vault.keys import KeyRing

VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")  # 16 random bytes, base64url without padding
CHANNELS = ("banner", "preferences", "privacy_center")
CONSENT_ACTOR = Actor(id="consent-banner", role="privacy_office")


@dataclass(frozen=True, slots=True)
class ConsentLimits:
    """How many choices one client (IP address) may record per window."""

    per_client: int = 120
    window: dt.timedelta = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ConsentReceipt:
    """What was recorded; ``gpc_overrode`` names the uses GPC turned off against the choice."""

    id: int
    visitor_id: str
    subject_id: int | None
    policy_version: str
    notice_version: str
    choices: dict[str, bool]
    gpc: bool
    gpc_overrode: tuple[str, ...]
    recorded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Seen:
    """Where a choice was made: the page, the browser, the client's address."""

    page: str | None = None
    user_agent: str | None = None
    client_ip: str | None = None


class CookieConsentService:
    """Records banner choices and answers a visitor's current choice."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        keyring: KeyRing,
        clock: Clock = utc_now,
        limits: ConsentLimits | None = None,
        earlier: EarlierNotice | None = None,
    ) -> None:
        self._earlier = earlier
        self._engine = engine
        self._policy = policy
        self._clock = clock
        self._limits = limits or ConsentLimits()
        self._tokens = MemberTokens(keyring.member_key)
        self._client_key = keyring.code_key
        self._config = banner_config(policy)

    def config(self) -> dict[str, Any]:
        """What the banner shows (:func:`hogo.services.cookie_notice.banner_config`)."""
        return self._config

    def issue_member_token(self, subject_id: int, ttl: dt.timedelta) -> str:
        """A token the site gives the banner of signed-in member ``subject_id``."""
        with self._engine.connect() as connection:
            _require_subject(connection, subject_id)
        return self._tokens.issue(subject_id, ttl, self._clock())

    def verify_member_token(self, token: str) -> int:
        """The subject a member token names; :class:`ValidationFailed` if forged or expired.

        The privacy center's choices page (:mod:`hogo.services.choices`) takes the same token.
        """
        return self._tokens.verify(token, self._clock())

    def record(
        self,
        visitor_id: str,
        choices: Mapping[str, bool],
        *,
        gpc: bool,
        channel: str,
        page: str | None,
        user_agent: str | None,
        client_ip: str | None,
        notice_version: str,
        member_token: str | None = None,
    ) -> ConsentReceipt:
        """Append the visitor's choice, or refuse it with nothing recorded.

        The per-client limit is counted in the transaction that appends the choice (one commit
        per consent); a refused choice is counted on its own, so refusals count too.
        """
        now = self._clock()
        try:
            policy_version = self._check(visitor_id, channel, notice_version, now)
            chosen, overrode = self._choices(choices, gpc)
            subject_id = None if member_token is None else self._tokens.verify(member_token, now)
            evidence = self._evidence(Seen(page, user_agent, client_ip), overrode)
        except ValidationFailed:
            self._throttle(client_ip, now)  # no guessing at speed: a refusal costs an attempt
            raise
        row = {
            "visitor_id": visitor_id,
            "subject_id": subject_id,
            "policy_version": policy_version,
            "notice_version": notice_version,
            "choices": chosen,
            "gpc": gpc,
            "channel": channel,
            "evidence": evidence,
            "recorded_at": now,
        }
        row_id = self._append(row, self._budgets(client_ip))
        if row_id is None:  # over the limit: nothing appended; audit it and refuse
            self._throttle(client_ip, now)
            # The limit freed meanwhile (the throttle counted this attempt): append after all.
            with self._engine.begin() as connection:
                row_id = self._insert(connection, row)
        return ConsentReceipt(
            id=row_id,
            visitor_id=visitor_id,
            subject_id=subject_id,
            policy_version=policy_version,
            notice_version=notice_version,
            choices=chosen,
            gpc=gpc,
            gpc_overrode=overrode,
            recorded_at=now,
        )

    def _append(self, row: Mapping[str, Any], budgets: Sequence[Budget]) -> int | None:
        """Count the attempt and insert the row in one transaction; None, with nothing
        written, when a budget is spent."""
        now = row["recorded_at"]
        with self._engine.begin() as connection:
            if budgets:
                if over_limit(connection, budgets, now, self._limits.window):
                    return None
                count_attempt(connection, budgets, now)
            return self._insert(connection, row)

    def _insert(self, connection: Connection, row: Mapping[str, Any]) -> int:
        """The row; a member's choice is also an audit entry on their subject."""
        subject_id = row["subject_id"]
        if subject_id is not None:
            _require_subject(connection, subject_id)
        query = insert(cookie_consents).values(**row).returning(cookie_consents.c.id)
        row_id = int(connection.execute(query).scalar_one())
        if subject_id is not None:
            detail = {"consent_id": row_id, "choices": row["choices"], "gpc": row["gpc"]}
            record_audit(
                connection,
                CONSENT_ACTOR,
                "cookie_consent",
                subject_id=subject_id,
                at=row["recorded_at"],
                detail=detail,
            )
        return row_id

    def current(self, visitor_id: str) -> dict[str, bool] | None:
        """The visitor's choice as of their latest row; ``None`` if they never chose."""
        query = (
            select(cookie_consents.c.choices)
            .where(cookie_consents.c.visitor_id == visitor_id)
            .order_by(cookie_consents.c.id.desc())
            .limit(1)
        )
        with self._engine.connect() as connection:
            found = connection.execute(query).scalar_one_or_none()
        return None if found is None else {str(k): bool(v) for k, v in dict(found).items()}

    def _check(self, visitor_id: str, channel: str, notice_version: str, now: dt.datetime) -> str:
        """The policy version the notice belongs to, or :class:`ValidationFailed`."""
        if not VISITOR_ID.match(visitor_id):
            raise ValidationFailed("the visitor id is not a random 22-character URL-safe token")
        if channel not in CHANNELS:
            raise ValidationFailed(f"unknown channel {channel!r}; expected {', '.join(CHANNELS)}")
        if notice_version == self._config["notice_version"]:
            return self._policy.version
        earlier = self._earlier
        if earlier is not None and notice_version == earlier.notice_version and now < earlier.until:
            return earlier.policy_version
        raise ValidationFailed(
            f"the notice {notice_version!r} is not the current one "
            f"({self._config['notice_version']}); show the banner again"
        )

    def _choices(
        self, choices: Mapping[str, bool], gpc: bool
    ) -> tuple[dict[str, bool], tuple[str, ...]]:
        """Every cookie use allowed or not (an unnamed use is off); GPC turns advertising off."""
        known: list[str] = list(self._policy.cookies)
        unknown = sorted(set(choices) - set(known))
        if unknown:
            raise ValidationFailed(
                f"unknown cookie use {', '.join(unknown)}; expected {', '.join(known)}"
            )
        if choices.get(ALWAYS_ON, True) is not True:
            raise ValidationFailed(f"{ALWAYS_ON} cookies are always on; they cannot be refused")
        chosen = {use: use == ALWAYS_ON or bool(choices.get(use, False)) for use in known}
        overrode = tuple(use for use in GPC_REFUSES if gpc and chosen.get(use))
        return {**chosen, **dict.fromkeys(overrode, False)}, overrode

    def _budgets(self, client_ip: str | None) -> list[Budget]:
        if not client_ip:
            return []
        message = b"cookie-consent-client\x00" + client_ip.strip().lower().encode()
        key = hmac.new(self._client_key, message, hashlib.sha256).digest()
        return [Budget("client", key, self._limits.per_client)]

    def _throttle(self, client_ip: str | None, now: dt.datetime) -> None:
        budgets = self._budgets(client_ip)
        if budgets:
            throttle(
                self._engine,
                budgets,
                now,
                self._limits.window,
                CONSENT_ACTOR,
                "consent_limited",
                {},
            )

    def _evidence(self, seen: Seen, overrode: tuple[str, ...]) -> dict[str, Any]:
        """The truncated IP, the user agent and page cut short, what GPC overrode."""
        evidence: dict[str, Any] = {}
        if seen.client_ip:
            access_logs = self._policy.access_logs
            try:
                evidence["ip"] = truncate_ip(
                    seen.client_ip, access_logs.ipv4_prefix, access_logs.ipv6_prefix
                )
            except ValidationFailed:
                evidence["ip"] = None  # the server's own peer name, not an address
        if seen.user_agent:
            evidence["user_agent"] = seen.user_agent[:MAX_TEXT]
        if seen.page:
            evidence["page"] = page_without_query(seen.page)
        if overrode:
            evidence["gpc_overrode"] = list(overrode)
        return evidence


def _require_subject(connection: Connection, subject_id: int) -> None:
    query = select(subjects.c.status).where(subjects.c.id == subject_id)
    status = connection.execute(query).scalar_one_or_none()
    if status is None or status == "erased":
        raise ValidationFailed(f"no subject {subject_id} to link a cookie consent to")
