"""``hogo.open``: the in-process entry point that gives applications what the API exposes."""

from __future__ import annotations

from dataclasses import dataclass
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
from hogo.services.cookie_consent import CookieConsentService
from hogo.services.inquiries import InquiryService
from hogo.services.policy_versions import PolicyVersions
from hogo.services.rights.erasure import Eraser, reapply
from hogo.services.rights.fulfilment import FulfilmentService
from hogo.services.rights.intake import IntakeService
from hogo.services.rights.notify import RequestNotifier
from hogo.services.rights.requests import RequestService
from hogo.services.subjects import SubjectService
from hogo.settings import Settings
from hogo.store import migrate
from hogo.store.engine import make_engine
from hogo.vault.keys import KeyRing, ensure_keyring, load_master_key
from hogo.vault.suppression import SuppressionList
from hogo.vault.vault import Vault


@dataclass(frozen=True)
class Hogo:
    """An open hogo: the policy, its compiled guard, and the services over one database."""

    engine: Engine
    policy: Policy
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
    compiled = compile_policy(policy)
    vault = Vault(policy, keyring)
    notifier = RequestNotifier(engine, policy, vault, mailer, clock)
    requests = RequestService(engine, policy, clock, notifier)
    eraser = Eraser(policy, keyring, suppression)
    return Hogo(
        engine=engine,
        policy=policy,
        compiled=compiled,
        vault=vault,
        access=AccessService(engine, compiled, vault, clock),
        subjects=SubjectService(engine, policy, compiled, vault, eraser, clock),
        requests=requests,
        fulfilment=FulfilmentService(engine, policy, vault, requests, eraser, clock),
        inquiries=InquiryService(engine, policy, keyring, clock),
        mailer=mailer,
        intake=IntakeService(engine, policy, vault, keyring, requests, mailer, clock),
        access_logs=AccessLogService(engine, policy, clock),
        policy_versions=PolicyVersions(engine, clock),
        cookie_consent=CookieConsentService(engine, policy, keyring, clock),
    )
