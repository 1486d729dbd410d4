"""The reference field client: a device's offline event store and its sync with WellOS.

Laptop and phone apps follow what this package does:

- record events offline into a local SQLite store, each with a UUID and the
  device's next sequence number (`FieldStore.record`);
- sync them at the end of the shift in one batch (`FieldClient.sync`), retrying
  with exponential backoff while the server is unreachable; resending is always
  safe, because events are idempotent by id;
- keep each event's outcome (applied, duplicate, conflict, rejected), follow a
  big batch's job until it is done, and show conflicts;
- pull what changed on the device's wells since its cursor (`FieldClient.pull`).

The `wellos field` commands (commands.py) drive it from a shell.
"""

from functions.cli.field.client import Backoff, FieldClient, SyncReport
from functions.cli.field.errors import FieldClientError, ServerRefusedError, UnreachableError
from functions.cli.field.profile import Profile
from functions.cli.field.store import FieldStore, LocalEvent

__all__ = [
    "Backoff",
    "FieldClient",
    "FieldClientError",
    "FieldStore",
    "LocalEvent",
    "Profile",
    "ServerRefusedError",
    "SyncReport",
    "UnreachableError",
]
