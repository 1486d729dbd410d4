"""`wellos queue dead-letters list|show|replay|purge`: operate a queue's dead letters.

The queue backend comes from the settings (`WELLOS_QUEUE_BACKEND`: the local SQLite
queue, Service Bus or SQS); no database is needed.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from functions.cli.output import (
    EXIT_DOMAIN_ERROR,
    emit_json,
    fail,
    handle_errors,
    short_time,
    stdout,
)
from functions.cli.runtime import load_settings
from shared.bootstrap import build_queue
from shared.core.messaging.services import DeadLetters, Settled
from shared.core.ports.queue import DEAD_LETTER_DESCRIPTION, DEAD_LETTER_REASON, ReceivedMessage

EXAMPLES = """[bold]Examples:[/bold]

  wellos queue dead-letters list --queue sync-jobs --limit 50

  wellos queue dead-letters show --queue sync-jobs MESSAGE_ID

  wellos queue dead-letters replay --queue sync-jobs --message-id MESSAGE_ID

  wellos queue dead-letters replay --queue etl --all

  wellos queue dead-letters purge --queue ingest --all --yes
"""
CHOOSE = "choose the dead letters: --message-id ID (repeatable) or --all"
PURGE_NEEDS_YES = "purge deletes dead letters for good: add --yes to confirm"
BODY_PREVIEW = 60

queue_app = typer.Typer(help="Queues the platform uses.", no_args_is_help=True)
dead_letters_app = typer.Typer(
    help="Dead letters of a queue: list, show, replay (back to the queue) or purge.",
    no_args_is_help=True,
    epilog=EXAMPLES,
    rich_markup_mode="rich",
)
queue_app.add_typer(dead_letters_app, name="dead-letters")

QueueOption = Annotated[
    str, typer.Option("--queue", metavar="NAME", help="The main queue, e.g. sync-jobs.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
IdsOption = Annotated[
    list[str] | None,
    typer.Option("--message-id", metavar="ID", help="A dead letter to act on; repeatable."),
]
AllOption = Annotated[bool, typer.Option("--all", help="Act on every dead letter.")]


@contextlib.contextmanager
def _dead_letters() -> Iterator[DeadLetters]:
    """The dead-letter operations on the configured queue, closed afterwards."""
    queue = build_queue(load_settings(require_database=False))
    try:
        yield DeadLetters(queue)
    finally:
        close = getattr(queue, "close", None)  # SQLite file, Service Bus links
        if callable(close):
            close()


@dead_letters_app.command("list", epilog=EXAMPLES)
@handle_errors
def list_dead_letters(
    queue: QueueOption,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Show at most this many.")] = 20,
    json_output: JsonOption = False,
) -> None:
    """List dead letters with their reason and delivery count (oldest first where kept)."""
    with _dead_letters() as dead_letters:
        found = dead_letters.list(queue, limit)
    if json_output:
        emit_json({"queue": queue, "dead_letters": [_summary(m) for m in found]})
        return
    if not found:
        stdout.print(f"No dead letters on [bold]{escape(queue)}[/bold].")
        return
    table = Table(title=f"Dead letters of {queue}")
    for column in ("message id", "reason", "deliveries", "enqueued", "body"):
        table.add_column(column)
    for message in found:
        body = _text(message.body)
        preview = body if len(body) <= BODY_PREVIEW else body[:BODY_PREVIEW] + "…"
        table.add_row(
            escape(message.message_id),
            escape(message.properties.get(DEAD_LETTER_REASON, "")),
            str(message.delivery_count),
            short_time(message.enqueued_at),
            escape(preview),
        )
    stdout.print(table)
    if len(found) == limit:
        stdout.print(f"Showing the first {limit}; raise --limit to see more.")


@dead_letters_app.command("show", epilog=EXAMPLES)
@handle_errors
def show_dead_letter(
    queue: QueueOption,
    message_id: Annotated[str, typer.Argument(metavar="MESSAGE_ID")],
    json_output: JsonOption = False,
) -> None:
    """Print one dead letter: body, reason, description, delivery count, properties."""
    with _dead_letters() as dead_letters:
        message = dead_letters.show(queue, message_id)
    view = {**_summary(message), **_body(message.body)}
    if json_output:
        emit_json(view)
        return
    for key in ("message_id", "reason", "description", "delivery_count", "enqueued_at"):
        stdout.print(f"[bold]{key}:[/bold] {escape(str(view[key]))}")
    for name, value in view["properties"].items():
        stdout.print(f"[bold]property {escape(name)}:[/bold] {escape(value)}")
    stdout.print("[bold]body:[/bold]")
    stdout.print(escape(view.get("body_text") or "(binary, base64) " + view["body_base64"]))


@dead_letters_app.command("replay", epilog=EXAMPLES)
@handle_errors
def replay_dead_letters(
    queue: QueueOption,
    message_id: IdsOption = None,
    all_messages: AllOption = False,
    limit: Annotated[
        int | None, typer.Option(min=1, help="With --all: replay at most this many.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Send dead letters back to their queue; one that fails again is dead-lettered again."""
    ids = _chosen(message_id, all_messages)
    with _dead_letters() as dead_letters:
        settled = dead_letters.replay(queue, ids, limit)
    _report("replayed", queue, settled, json_output)


@dead_letters_app.command("purge", epilog=EXAMPLES)
@handle_errors
def purge_dead_letters(
    queue: QueueOption,
    message_id: IdsOption = None,
    all_messages: AllOption = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the messages are deleted.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Delete dead letters for good (asks for --yes)."""
    ids = _chosen(message_id, all_messages)
    if not yes:
        raise fail(PURGE_NEEDS_YES, EXIT_DOMAIN_ERROR)
    with _dead_letters() as dead_letters:
        settled = dead_letters.purge(queue, ids)
    _report("purged", queue, settled, json_output)


def _chosen(message_ids: list[str] | None, all_messages: bool) -> list[str] | None:
    if bool(message_ids) == all_messages:
        raise fail(CHOOSE, EXIT_DOMAIN_ERROR)
    return None if all_messages else list(dict.fromkeys(message_ids or []))


def _report(verb: str, queue: str, settled: Settled, json_output: bool) -> None:
    if json_output:
        emit_json({"queue": queue, verb: settled.message_ids, "missing": settled.missing})
    else:
        stdout.print(f"{len(settled.message_ids)} dead letters {verb} on {escape(queue)}.")
        for message_id in settled.message_ids:
            stdout.print(f"  {escape(message_id)}")
    if settled.missing:
        raise fail(f"not among the dead letters: {', '.join(settled.missing)}", EXIT_DOMAIN_ERROR)


def _summary(message: ReceivedMessage) -> dict[str, Any]:
    properties = {k: v for k, v in message.properties.items() if not k.startswith("dead_letter")}
    return {
        "message_id": message.message_id,
        "reason": message.properties.get(DEAD_LETTER_REASON, ""),
        "description": message.properties.get(DEAD_LETTER_DESCRIPTION, ""),
        "delivery_count": message.delivery_count,
        "enqueued_at": message.enqueued_at,
        "properties": properties,
        "body_bytes": len(message.body),
    }


def _body(body: bytes) -> dict[str, str]:
    try:
        return {"body_text": body.decode("utf-8"), "body_base64": ""}
    except UnicodeDecodeError:
        return {"body_text": "", "body_base64": base64.b64encode(body).decode("ascii")}


def _text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")
