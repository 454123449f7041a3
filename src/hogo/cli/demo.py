"""``hogo demo``: the seed policy, synthetic subjects and the server, on an embedded database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from hogo.auth.keys import create_key
from hogo.cli.serve import run_server
from hogo.policy.durations import add_duration
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.populate import count_subjects, populate
from hogo.services.provision.recipients import CONTRACT_ITEMS, FactsInput
from hogo.services.synthetic import SyntheticPeople
from hogo.settings import Settings
from hogo.store.tables import items, subjects
from hogo.vault.keys import create_key_file

DEMO_ROLE = "privacy_office"
BATCH = 1_000
console = Console()


def _fill(hogo: Hogo, wanted: int) -> None:
    existing = count_subjects(hogo.engine)
    if existing >= wanted:
        console.print(f"Reusing the {existing:,} subjects already in the database.")
        return
    people = SyntheticPeople(hogo.policy, seed=existing)
    actor = Actor(id="demo", role=DEMO_ROLE)
    columns = (TextColumn("subjects"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("subjects", total=wanted, completed=existing)
        for batch in people.batches(wanted - existing, BATCH, start=existing):
            populate(hogo.engine, hogo.vault, actor, batch)
            progress.advance(task, len(batch.subjects))


def _example_address(hogo: Hogo) -> str | None:
    """The e-mail address of a synthetic customer, read (and audited) as the demo's office."""
    with hogo.engine.connect() as connection:
        found = connection.execute(
            select(items.c.subject_id, items.c.purposes)
            .join(subjects, subjects.c.id == items.c.subject_id)
            .where(
                items.c.category == "email",
                items.c.status == "active",
                subjects.c.subject_group == "customers",
                subjects.c.status == "active",
            )
            .order_by(items.c.id)
            .limit(1)
        ).first()
    if found is None:
        return None
    actor = Actor(id="demo", role=DEMO_ROLE)
    read = hogo.access.read(actor, found.subject_id, ["email"], found.purposes[0])
    return read.items[0].value if read.items else None


def _waiting_applicant(hogo: Hogo) -> int | None:
    """An applicant whose items wait for the decision not to hire, to try the sweep on."""
    with hogo.engine.connect() as connection:
        return connection.execute(
            select(items.c.subject_id)
            .join(subjects, subjects.c.id == items.c.subject_id)
            .where(
                items.c.retention_rule == "applicants_not_hired",
                items.c.retain_until.is_(None),
                items.c.status == "active",
                subjects.c.subject_group == "applicants",
            )
            .order_by(items.c.subject_id)
            .limit(1)
        ).scalar_one_or_none()


def _print_retention_walkthrough(hogo: Hogo, database: Path, key_file: Path) -> None:
    applicant = _waiting_applicant(hogo)
    if applicant is None:
        return
    today = dt.datetime.now(dt.UTC).date()
    after = add_duration(today, "P1Y") + dt.timedelta(days=1)
    env = f"HOGO_DATABASE_URL=sqlite:///{database} HOGO_KEY_FILE={key_file}"
    console.print(
        f"Retention: applicant {applicant} has not been told no yet. Try:\n"
        f"  {env} hogo subjects event {applicant} applicant_not_hired\n"
        f"  {env} hogo sweep --dry-run --now {after.isoformat()}\n"
        f"  {env} hogo sweep --now {after.isoformat()}\n"
        f"  {env} hogo sweep log",
        soft_wrap=True,
    )


def _publish_first(hogo: Hogo, policy: Path) -> Hogo:
    """The register starts with the policy file, in force since its own effective date."""
    if hogo.policy_versions.list():
        return hogo
    actor = Actor(id="demo", role="privacy_office")
    hogo.policy_versions.publish(actor, policy, hogo.policy.effective_from)
    console.print(f"Published policy version {hogo.policy.version} from {policy}.")
    return hogo.follow()


def _register_recipients(hogo: Hogo) -> None:
    """Facts for every recipient of the policy, so that provision works out of the box."""
    if any(status.facts for status in hogo.recipients.statuses()):
        return
    actor = Actor(id="demo", role="privacy_office")
    today = dt.datetime.now(dt.UTC).date()
    for number, (rid, declared) in enumerate(hogo.policy.recipients.items(), start=1):
        processor = declared.kind == "processor"
        hogo.recipients.record(
            actor,
            rid,
            FactsInput(
                legal_name=f"{declared.title.ja}（デモ{number}株式会社）",
                address=f"東京都千代田区丸の内{number}-1-1",
                representative=f"代表取締役 デモ 太郎{number}",
                contract_ref=f"DEMO-{number:03d}" if processor else None,
                contract_from=today.replace(year=today.year - 1) if processor else None,
                security_terms="別紙 安全管理措置 / Annex: security measures"
                if processor
                else None,
                contract_items=CONTRACT_ITEMS if processor else (),
                supervised_on=today if processor else None,
            ),
        )
    console.print(f"Recorded demo facts for the {len(hogo.policy.recipients)} recipients.")


def demo(
    subjects: Annotated[int, typer.Option(min=0, help="How many synthetic subjects")] = 10_000,
    database: Annotated[Path, typer.Option(help="SQLite file")] = Path("hogo-demo.db"),
    key_file: Annotated[Path, typer.Option(help="Master key file")] = Path("hogo-demo.key"),
    policy: Annotated[Path, typer.Option(help="Policy file")] = Path("examples/policy.yaml"),
    outbox: Annotated[
        Path, typer.Option(help="Folder the demo's mail goes to, one .eml file per message")
    ] = Path("hogo-demo-outbox"),
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    serve: Annotated[bool, typer.Option(help="Start the server when the data is ready")] = True,
) -> None:
    """Create (or reuse) a demo database with synthetic subjects and serve it on localhost."""
    if create_key_file(key_file):
        console.print(f"Created the master key file {key_file} (mode 0600).")
    settings = Settings(master_key=None, key_file=key_file, mail_url=f"file://{outbox.resolve()}")
    hogo = _publish_first(open_hogo(f"sqlite:///{database}", policy, settings=settings), policy)
    _fill(hogo, subjects)
    _register_recipients(hogo)
    with hogo.engine.begin() as connection:
        key = create_key(
            connection,
            DEMO_ROLE,
            label="demo",
            roles_known=list(hogo.policy.roles),
            now=dt.datetime.now(dt.UTC),
        )
    url = f"http://{host}:{port}"
    console.print(f"API key for role {DEMO_ROLE} (shown once): [bold]{key}[/bold]", soft_wrap=True)
    console.print(f"Data map: {url}/   API docs: {url}/docs", soft_wrap=True)
    console.print(
        f"Privacy center: {url}/privacy-center   (mail goes to {outbox}/)", soft_wrap=True
    )
    console.print(f"Office console: {url}/console   (sign in with the API key)", soft_wrap=True)
    console.print(f"Consent banner on a mock shop: {url}/demo/shop", soft_wrap=True)
    console.print(
        f"A new policy version: hogo policy publish FILE --effective DATE "
        f"--database-url sqlite:///{database}",
        soft_wrap=True,
    )
    address = _example_address(hogo)
    if address:
        console.print(
            f"An address on file to try the privacy center with: {address}", soft_wrap=True
        )
    console.print(f'Try: curl -H "Authorization: Bearer {key}" {url}/v1/subjects/1', soft_wrap=True)
    _print_retention_walkthrough(hogo, database, key_file)
    if serve:
        run_server(hogo, host, port)
    else:
        hogo.close()
