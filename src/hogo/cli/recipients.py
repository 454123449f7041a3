"""``hogo recipients``: the register of the policy's recipients and their facts (R-21, R-33).

``list`` shows every recipient of the policy and whether it can receive today; ``show ID``
what the policy declares, the facts on record and every problem; ``set ID …`` records the
whole of a recipient's facts as a new row (the register is append-only) and prints the
status that results; ``history ID`` every row recorded, the earliest first.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import DatabaseUrl, cli_actor_id, group_app, one_line_errors
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.errors import ValidationFailed
from hogo.services.actor import Actor
from hogo.services.provision.recipients import (
    FactsInput,
    ForeignBasis,
    RecipientFacts,
    RecipientStatus,
    SubProcessor,
)

recipients_app = group_app(
    "The recipients register: contracts, sub-processors, checks, foreign bases (R-21, R-33)."
)

RecipientId = Annotated[str, typer.Argument(help="The recipient's id in the policy.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
APPROVAL = {"approved": True, "pending": False}


def _status_cell(status: RecipientStatus) -> str:
    if status.ready:
        return "[green]ready[/green]"
    more = f" (+{len(status.problems) - 1} more)" if len(status.problems) > 1 else ""
    return f"[red]{escape(status.problems[0])}{more}[/red]"


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


@recipients_app.command("list")
def list_recipients(
    as_json: AsJson = False, database_url: DatabaseUrl = None, policy: PolicyPath = None
) -> None:
    """Every recipient of the policy: ready to receive today, or its first problem."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        statuses = hogo.recipients.statuses()
    if as_json:
        typer.echo(json.dumps([s.to_json() for s in statuses], ensure_ascii=False, indent=2))
        return
    table = Table("id", "kind", "basis", "country", "legal name", "status")
    table.add_column("supervision due", no_wrap=True)
    table.add_column("system check due", no_wrap=True)
    for status in statuses:
        table.add_row(
            status.id,
            status.declared.kind,
            status.declared.basis,
            status.country,
            escape(status.facts.legal_name) if status.facts else "—",
            _status_cell(status),
            _day(status.supervision_due),
            _day(status.system_check_due),
        )
    Console().print(table)


@recipients_app.command()
def show(
    recipient: RecipientId,
    as_json: AsJson = False,
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """What the policy declares of a recipient, its current facts, and every problem."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        status = hogo.recipients.status(recipient)
    if as_json:
        shown = {**status.to_json(), "declared": status.declared.model_dump(mode="json")}
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    _print_status(status)


def _print_status(status: RecipientStatus) -> None:
    console = Console(soft_wrap=True, highlight=False)
    declared = status.declared
    console.print(f"recipient {status.id}: {declared.title.en} / {declared.title.ja}", markup=False)
    console.print(
        f"  kind {declared.kind}, basis {declared.basis}, policy country {declared.country}"
    )
    console.print(f"  groups: {', '.join(declared.groups)}", markup=False)
    console.print(f"  purposes: {', '.join(declared.purposes) or '—'}", markup=False)
    console.print(f"  categories: {', '.join(declared.categories) or '—'}", markup=False)
    if status.facts is None:
        console.print("facts: none recorded")
    else:
        console.print(f"facts (row {status.facts.id}):")
        for line in _fact_lines(status.facts):
            console.print(f"  {line}", markup=False)
    if status.ready:
        console.print("status: [green]ready[/green]")
        return
    console.print("status: [red]not ready[/red]")
    for problem in status.problems:
        console.print(f"  - {problem}", markup=False)


def _fact_lines(facts: RecipientFacts) -> Iterator[str]:
    shown = {
        key: value
        for key, value in facts.to_json().items()
        if key not in ("id", "recipient") and value not in (None, [])
    }
    for key, value in shown.items():
        if key == "sub_processors":
            value = "; ".join(
                f"{s['name']} ({s['country']}, {'approved' if s['approved'] else 'pending'})"
                for s in value
            )
        elif isinstance(value, list):
            value = ", ".join(value)
        yield f"{key.replace('_', ' ')}: {value}"


@recipients_app.command("set")
def set_facts(
    recipient: RecipientId,
    legal_name: Annotated[str, typer.Option(help="The recipient's legal name (A29).")],
    address: Annotated[str, typer.Option(help="Its address (A29; Rules Art. 20).")],
    representative: Annotated[str, typer.Option(help="Its representative (A29).")],
    country: Annotated[
        str | None, typer.Option(help="ISO 3166 code of where it is (default: the policy's).")
    ] = None,
    contract_ref: Annotated[str | None, typer.Option(help="The entrustment contract.")] = None,
    contract_from: Annotated[
        str | None, typer.Option(help="The day the contract starts, YYYY-MM-DD.")
    ] = None,
    contract_until: Annotated[
        str | None, typer.Option(help="The day the contract ends, YYYY-MM-DD.")
    ] = None,
    security_terms: Annotated[
        str | None, typer.Option(help="The contract's security terms (R-21).")
    ] = None,
    contract_item: Annotated[
        list[str] | None,
        typer.Option(help="A GDPR Art 28(3) item the contract holds, a to h (G-13)."),
    ] = None,
    sub_processor: Annotated[
        list[str] | None,
        typer.Option(help='A sub-processor: "name,CC,approved" or "name,CC,pending".'),
    ] = None,
    supervised_on: Annotated[
        str | None, typer.Option(help="The day of the last supervision check (APPI A25).")
    ] = None,
    supervision_days: Annotated[
        int | None, typer.Option(help="A supervision check is due this often (default 365).")
    ] = None,
    foreign_basis: Annotated[
        str | None, typer.Option(help="Basis of foreign provision: consent, system, adequate.")
    ] = None,
    foreign_system: Annotated[
        str | None, typer.Option(help="The equivalent-measures system (R16).")
    ] = None,
    system_checked_on: Annotated[
        str | None, typer.Option(help="The day the system was last checked (R18; D14).")
    ] = None,
    measures: Annotated[
        str | None, typer.Option(help="The recipient's protective measures (R17).")
    ] = None,
    public_key_file: Annotated[
        Path | None, typer.Option(help="A file with the age public key exports are sealed to.")
    ] = None,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Record the whole of a recipient's facts as a new row; print the status that results.

    Facts not given are recorded as absent: each run states everything known.
    """
    with one_line_errors():
        given = FactsInput(
            legal_name=legal_name,
            address=address,
            representative=representative,
            country=country,
            contract_ref=contract_ref,
            contract_from=_date(contract_from, "--contract-from"),
            contract_until=_date(contract_until, "--contract-until"),
            security_terms=security_terms,
            contract_items=tuple(item.strip().lower() for item in contract_item or ()),
            sub_processors=tuple(_sub_processor(text) for text in sub_processor or ()),
            supervised_on=_date(supervised_on, "--supervised-on"),
            supervision_days=supervision_days,
            foreign_basis=cast(ForeignBasis | None, foreign_basis),
            foreign_system=foreign_system,
            system_checked_on=_date(system_checked_on, "--system-checked-on"),
            measures=measures,
            public_key=_read_key(public_key_file) if public_key_file else None,
        )
        with opened(database_url, policy) as hogo:
            facts = hogo.recipients.record(Actor(cli_actor_id(), role), recipient, given)
            status = hogo.recipients.status(recipient)
    typer.echo(f"recipient {recipient}: facts recorded (row {facts.id})")
    if status.ready:
        typer.echo("status: ready")
        return
    typer.echo("status: not ready")
    for problem in status.problems:
        typer.echo(f"  - {problem}")


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(f"{option}: {value!r} is not a day (YYYY-MM-DD)") from None


def _sub_processor(text: str) -> SubProcessor:
    """``name,CC,approved|pending``; the name may itself hold commas."""
    parts = [part.strip() for part in text.rsplit(",", 2)]
    if len(parts) != 3 or parts[2].lower() not in APPROVAL:
        raise ValidationFailed(
            f"--sub-processor {text!r}: expected name,CC,approved or name,CC,pending"
        )
    name, country, approval = parts
    return SubProcessor(name, country.upper(), APPROVAL[approval.lower()])


def _read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationFailed(f"--public-key-file {path}: {error}") from None


@recipients_app.command()
def history(
    recipient: RecipientId,
    as_json: AsJson = False,
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Every row of facts recorded for a recipient, the earliest first."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        rows = hogo.recipients.history(recipient)
    if as_json:
        typer.echo(json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(f"No facts recorded for {recipient}.")
        return
    table = Table("row", "recorded", "by", "legal name", "country", "contract", "until")
    for column in ("supervised", "foreign basis", "system checked"):
        table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(*_history_cells(row))
    Console().print(table)


def _history_cells(row: RecipientFacts) -> list[str]:
    cells: list[Any] = [
        row.id,
        row.recorded_at.isoformat(timespec="seconds"),
        row.recorded_by,
        row.legal_name,
        row.country,
        row.contract_ref,
        _day(row.contract_until),
        _day(row.supervised_on),
        row.foreign_basis,
        _day(row.system_checked_on),
    ]
    return [escape(str(cell)) if cell not in (None, "") else "—" for cell in cells]
