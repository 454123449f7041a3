"""``hogo.open``: the in-process entry point that gives applications what the API exposes."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine

from hogo.guard.compile import CompiledPolicy, compile_policy
from hogo.mail.registry import open_mailer
from hogo.mail.sender import MailSender
from hogo.policy.load import load_policy
from hogo.policy.model import Policy
from hogo.services.access import AccessService, Clock, utc_now
from hogo.services.access_logs import AccessLogService
from hogo.services.choices import ChoicesService
from hogo.services.cookie_consent import CookieConsentService
from hogo.services.inquiries import InquiryService
from hogo.services.policy_versions import PolicyVersions
from hogo.services.provision.provide import ProvisionService
from hogo.services.provision.receipts import ReceiptService
from hogo.services.provision.recipients import RecipientRegister
from hogo.services.retention.events import EventService
from hogo.services.retention.holds import HoldService
from hogo.services.retention.ledgers import LedgerSweep
from hogo.services.retention.sweeper import Sweeper
from hogo.services.rights.deadlines import arrival_date
from hogo.services.rights.erasure import Eraser, reapply
from hogo.services.rights.fulfilment import FulfilmentService
from hogo.services.rights.intake import IntakeService
from hogo.services.rights.notify import RequestNotifier
from hogo.services.rights.requests import RequestService
from hogo.services.served_policy import (
    ServedPolicy,
    earlier_notice,
    in_force_id,
    served_policy,
)
from hogo.services.subjects import SubjectService
from hogo.settings import Settings
from hogo.store import migrate
from hogo.store.engine import make_engine
from hogo.vault.keys import KeyRing, ensure_keyring, load_master_key
from hogo.vault.suppression import SuppressionList
from hogo.vault.vault import Vault

log = logging.getLogger("hogo")


@dataclass(frozen=True)
class Foundation:
    """What stays the same from one policy version to the next: database, keys, mail."""

    engine: Engine
    file_policy: Policy
    keyring: KeyRing
    suppression: SuppressionList
    mailer: MailSender
    clock: Clock
    export_dir: Path


@dataclass(frozen=True)
class Hogo:
    """An open hogo: the policy, its compiled guard, and the services over one database."""

    engine: Engine
    policy: Policy
    served: ServedPolicy
    compiled: CompiledPolicy
    vault: Vault
    access: AccessService
    subjects: SubjectService
    requests: RequestService
    fulfilment: FulfilmentService
    inquiries: InquiryService
    mailer: MailSender
    intake: IntakeService
    access_logs: AccessLogService
    policy_versions: PolicyVersions
    cookie_consent: CookieConsentService
    choices: ChoicesService
    recipients: RecipientRegister
    receipts: ReceiptService
    provision: ProvisionService
    sweeper: Sweeper
    holds: HoldService
    events: EventService
    ledgers: LedgerSweep
    watch: PolicyWatch = field(repr=False, compare=False)

    def follow(self) -> Hogo:
        """This hogo, or a new one over the same database once another version is in force.

        A long-running process calls it before each unit of work (``hogo serve`` does, per
        request): a publication that has taken effect is enforced within a second (R-04).
        """
        return self.watch.follow(self)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Hogo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class PolicyWatch:
    """Notices when the register puts another version in force, and builds its hogo.

    The register is read at most once per ``interval`` seconds; between reads ``follow``
    costs a clock reading. Safe to share between threads.
    """

    def __init__(self, foundation: Foundation, interval: float = 1.0) -> None:
        self._foundation = foundation
        self._interval = interval
        self._checked = time.monotonic()
        self._latest: Hogo | None = None
        self._lock = threading.Lock()

    def follow(self, hogo: Hogo) -> Hogo:
        latest = self._latest or hogo
        if time.monotonic() - self._checked < self._interval:
            return latest
        with self._lock:
            latest = self._latest or hogo
            if time.monotonic() - self._checked < self._interval:
                return latest
            today = arrival_date(self._foundation.clock(), "appi")
            with self._foundation.engine.connect() as connection:
                in_force = in_force_id(connection, today)
            self._checked = time.monotonic()
            if in_force != latest.served.register_id:
                latest = self._latest = build(self._foundation, self)
            return latest


def open_hogo(
    database_url: str,
    policy_path: str | Path,
    *,
    settings: Settings | None = None,
    clock: Clock = utc_now,
    mailer: MailSender | None = None,
) -> Hogo:
    """Load and compile the policy, migrate the database, check the master key.

    The master key comes from ``HOGO_MASTER_KEY`` or the key file of ``settings`` (``hogo
    init`` creates one). A key that does not match the database fails here, in one line.
    Mail goes through ``mailer`` when given, else the sender ``settings.mail_url`` names.
    The policy enforced is the published version in force, or the file at ``policy_path``
    while none is (:mod:`hogo.services.served_policy`).
    """
    settings = settings or Settings()
    policy = load_policy(Path(policy_path))
    mailer = mailer or open_mailer(settings.mail_url, settings.mail_from)
    keyring = KeyRing(load_master_key(settings.master_key, settings.key_file))
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        ensure_keyring(connection, keyring)
    # what was erased stays erased, even in a database restored from a backup.
    suppression = SuppressionList(settings.suppression_path)
    reapply(engine, keyring, suppression, clock())
    foundation = Foundation(
        engine, policy, keyring, suppression, mailer, clock, settings.export_dir
    )
    hogo = build(foundation, PolicyWatch(foundation, settings.policy_check_seconds))
    if hogo.policy.version != policy.version:
        log.warning(
            "%s is version %s; enforcing version %s, the one published and in force",
            policy_path,
            policy.version,
            hogo.policy.version,
        )
    return hogo


def build(foundation: Foundation, watch: PolicyWatch) -> Hogo:
    """The services over ``foundation`` for the policy in force today."""
    engine, keyring, clock = foundation.engine, foundation.keyring, foundation.clock
    with engine.connect() as connection:
        served = served_policy(connection, foundation.file_policy, arrival_date(clock(), "appi"))
    policy = served.policy
    compiled = compile_policy(policy, consent_since=served.consent_since)
    vault = Vault(policy, keyring)
    notifier = RequestNotifier(engine, policy, vault, foundation.mailer, clock)
    requests = RequestService(engine, policy, clock, notifier)
    eraser = Eraser(policy, keyring, foundation.suppression)
    register = RecipientRegister(engine, policy, clock)
    subjects = SubjectService(engine, policy, compiled, vault, eraser, clock)
    cookie_consent = CookieConsentService(
        engine, policy, keyring, clock, earlier=earlier_notice(served)
    )
    inquiries = InquiryService(engine, policy, keyring, clock)
    receipts = ReceiptService(engine, policy, vault, clock)
    provision = ProvisionService(
        engine, compiled, vault, register, clock, export_dir=foundation.export_dir
    )
    return Hogo(
        engine=engine,
        policy=policy,
        served=served,
        compiled=compiled,
        vault=vault,
        access=AccessService(engine, compiled, vault, clock),
        subjects=subjects,
        requests=requests,
        fulfilment=FulfilmentService(engine, policy, vault, requests, eraser, clock),
        inquiries=inquiries,
        mailer=foundation.mailer,
        intake=IntakeService(engine, policy, vault, keyring, requests, foundation.mailer, clock),
        access_logs=AccessLogService(engine, policy, clock),
        policy_versions=PolicyVersions(engine, clock),
        cookie_consent=cookie_consent,
        choices=ChoicesService(engine, policy, compiled, vault, subjects, cookie_consent, clock),
        recipients=register,
        receipts=receipts,
        provision=provision,
        sweeper=Sweeper(engine, policy, vault, keyring, foundation.suppression, clock),
        holds=HoldService(engine, policy, clock),
        events=EventService(engine, policy, clock),
        ledgers=LedgerSweep(engine, policy, inquiries, provision, receipts, clock),
        watch=watch,
    )
