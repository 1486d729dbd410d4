"""`wellos field record …`: keep one event offline (nothing is sent until `sync`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from functions.cli.field.client import PHOTO_TYPES
from functions.cli.field.context import JsonOption, field_context, field_errors
from functions.cli.field.store import LocalEvent
from functions.cli.output import emit_json, stdout

app = typer.Typer(
    help="Record one event offline: it waits in the local store for `wellos field sync`.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

Well = Annotated[str, typer.Argument(help="The well's id (UUID).")]
At = Annotated[
    datetime | None,
    typer.Option(
        help="When it happened, RFC 3339 with offset (default: now, device clock).",
        formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"],
    ),
]
Equipment = Annotated[str | None, typer.Option(help="The equipment's id (UUID).")]


def _keep(
    ctx: typer.Context,
    event_type: str,
    well: str,
    payload: dict[str, Any],
    at: datetime | None,
    json_output: bool,
    equipment: str | None = None,
    photo_path: str | None = None,
) -> None:
    with field_context(ctx).store() as store:
        event = store.record(event_type, well, payload, at, equipment, photo_path)
        pending = len(store.events("pending"))
    _print(event, pending, json_output)


def _print(event: LocalEvent, pending: int, json_output: bool) -> None:
    if json_output:
        emit_json({**asdict(event), "pending": pending})
        return
    stdout.print(
        f"recorded {event.type} #{event.device_seq} for well {event.well_id} "
        f"({pending} pending sync)"
    )


@app.command(
    epilog="[bold]Example:[/bold]\n\n  wellos field record reading WELL_ID TP 412.5 --unit psi"
)
@field_errors
def reading(
    ctx: typer.Context,
    well: Well,
    tag: Annotated[str, typer.Argument(help="What was read, e.g. TP (tubing pressure).")],
    value: Annotated[float, typer.Argument(help="The value read.")],
    unit: Annotated[str, typer.Option(help="Its unit.")] = "psi",
    equipment: Equipment = None,
    at: At = None,
    json_output: JsonOption = False,
) -> None:
    """A gauge or meter reading (the newest is the current value)."""
    payload = {"tag": tag, "value": value, "unit": unit}
    _keep(ctx, "WELL_READING_RECORDED", well, payload, at, json_output, equipment)


@app.command(
    epilog="[bold]Example:[/bold]\n\n  wellos field record production WELL_ID --oil 84 "
    "--gas 250 --water 40 --hours-on 24 --gauge T-1=96.5"
)
@field_errors
def production(
    ctx: typer.Context,
    well: Well,
    day: Annotated[
        datetime | None,
        typer.Option("--date", help="Production day (default: today).", formats=["%Y-%m-%d"]),
    ] = None,
    oil: Annotated[float | None, typer.Option(help="Oil, bbl.")] = None,
    gas: Annotated[float | None, typer.Option(help="Gas, Mcf.")] = None,
    water: Annotated[float | None, typer.Option(help="Water, bbl.")] = None,
    hours_on: Annotated[float | None, typer.Option(help="Hours on production (0-24).")] = None,
    gauge: Annotated[
        list[str] | None, typer.Option(help="Tank gauge TANK=INCHES (repeatable).")
    ] = None,
    at: At = None,
    json_output: JsonOption = False,
) -> None:
    """A well-day's production (the highest log stands; never under-reported)."""
    gauges = [{"tank": t, "level_in": float(v)} for t, v in (g.split("=", 1) for g in gauge or [])]
    payload = {
        "date": (day.date() if day else date.today()).isoformat(),
        "oil_bbl": oil,
        "gas_mcf": gas,
        "water_bbl": water,
        "hours_on": hours_on,
        "tank_gauges": gauges,
    }
    _keep(ctx, "PRODUCTION_LOGGED", well, payload, at, json_output)


@app.command(
    epilog="[bold]Example:[/bold]\n\n  wellos field record inspection WELL_ID PUMP_ID "
    "--item guard=ok --item belts=fail --failed --notes 'belt frayed'"
)
@field_errors
def inspection(
    ctx: typer.Context,
    well: Well,
    equipment: Annotated[str, typer.Argument(help="The equipment's id (UUID).")],
    item: Annotated[list[str], typer.Option(help="Checklist result ITEM=ok|fail (repeatable).")],
    passed: Annotated[bool, typer.Option("--passed/--failed", help="The verdict.")] = True,
    notes: Annotated[str | None, typer.Option(help="Free text.")] = None,
    at: At = None,
    json_output: JsonOption = False,
) -> None:
    """An equipment inspection (different results the same day go to manual review)."""
    checklist = [
        {"item": i, "ok": ok.strip().lower() in ("ok", "pass", "yes", "true")}
        for i, ok in (entry.split("=", 1) for entry in item)
    ]
    payload = {"checklist": checklist, "passed": passed, "notes": notes}
    _keep(ctx, "EQUIPMENT_INSPECTED", well, payload, at, json_output, equipment)


@app.command(
    epilog="[bold]Example:[/bold]\n\n  wellos field record note WELL_ID 'gate latch broken'"
)
@field_errors
def note(
    ctx: typer.Context,
    well: Well,
    text: Annotated[str, typer.Argument(help="The note.")],
    at: At = None,
    json_output: JsonOption = False,
) -> None:
    """A note on a well (notes merge: all are kept, in the order written)."""
    _keep(ctx, "NOTE_ADDED", well, {"text": text}, at, json_output)


@app.command(epilog="[bold]Example:[/bold]\n\n  wellos field record downtime WELL_ID POWER 3.5")
@field_errors
def downtime(
    ctx: typer.Context,
    well: Well,
    reason: Annotated[str, typer.Argument(help="Reason code, e.g. POWER, PUMP_FAILURE.")],
    hours: Annotated[float, typer.Argument(help="Hours down (0-24).")],
    equipment: Equipment = None,
    at: At = None,
    json_output: JsonOption = False,
) -> None:
    """Downtime of a well (or one piece of its equipment)."""
    payload = {"reason_code": reason, "hours": hours}
    _keep(ctx, "DOWNTIME_REPORTED", well, payload, at, json_output, equipment)


@app.command(
    epilog="[bold]Example:[/bold]\n\n  wellos field record photo WELL_ID ./wellhead.jpg "
    "--caption 'leak at the stuffing box'"
)
@field_errors
def photo(
    ctx: typer.Context,
    well: Well,
    path: Annotated[
        Path, typer.Argument(help="JPEG, PNG or HEIC file.", exists=True, dir_okay=False)
    ],
    caption: Annotated[str | None, typer.Option(help="What it shows.")] = None,
    at: At = None,
    json_output: JsonOption = False,
) -> None:
    """A photo: uploaded at sync time, then linked to the well with PHOTO_ATTACHED."""
    content_type = PHOTO_TYPES.get(path.suffix.lower())
    if content_type is None:
        raise typer.BadParameter("use a .jpg, .jpeg, .png or .heic file", param_hint="PATH")
    payload = {"content_type": content_type, "caption": caption}
    _keep(ctx, "PHOTO_ATTACHED", well, payload, at, json_output, photo_path=str(path.resolve()))
