"""Settings, read once from the environment (``HOGO_*``) and passed down; never a global."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where hogo keeps its data and its master key."""

    model_config = SettingsConfigDict(env_prefix="HOGO_", extra="ignore")

    database_url: str = "sqlite:///hogo.db"
    policy_path: Path = Path("examples/policy.yaml")
    master_key: str | None = None  # base64 of 32 bytes; wins over the key file
    key_file: Path = Path("hogo.key")
    # Erasures recorded outside the database; default: beside the key file, ".erased"
    suppression_file: Path | None = None

    @property
    def suppression_path(self) -> Path:
        return self.suppression_file or self.key_file.with_suffix(".erased")

    # The pseudonymisation key, kept apart from data and database (R-49; hogo.deid.keyfile);
    # default: beside the key file, ".deid"
    deid_key_file: Path | None = None

    @property
    def deid_key_path(self) -> Path:
        return self.deid_key_file or self.key_file.with_suffix(".deid")

    # Proxies whose X-Forwarded-For is believed (comma-separated IPs, or "*"); none by default,
    # so rate limits key on the connection's own address and cannot be steered by a header.
    forwarded_allow_ips: str | None = None
    # Other origins whose pages load the consent banner from hogo (comma-separated, exact
    # origins such as "https://shop.example.jp"); none by default (hogo.web.consent_cors).
    consent_origins: str | None = None
    mail_url: str = "file://outbox"  # smtp://, smtps://, file:// or memory:// (hogo.mail)
    mail_from: str = "privacy@localhost"
    # Where provisions made through the API are written (hogo.services.provision.provide).
    export_dir: Path = Path("exports")
    # How often a running hogo asks the register whether another policy version is in force.
    policy_check_seconds: float = 1.0
    # Where ``hogo backup create`` writes backups (hogo.services.backups).
    backup_dir: Path = Path("backups")
    # Keep backups no longer than needed; §4: a backup older than this is due to be rotated out.
    backup_keep_days: int = 35
    # How often ``hogo serve`` sweeps (``30m``, ``1h``, ``1d``); none: it does not
    # (hogo.services.retention.schedule).
    sweep_every: str | None = None
