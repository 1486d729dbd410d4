"""An Azure Functions host for the rehearsal: `python -m tests.deploy.functions_runner VAULT host`.

Run with exactly the Function App's app settings (tests/deploy/test_azure_rehearsal.py),
it does what the Functions Python worker does with the package: imports
`function_app.py`, reads `app.get_functions()` and their bindings, and calls each
function's user function with the objects the worker builds (`func.HttpRequest` and a
context for the HTTP function, `func.ServiceBusMessage` for a queue trigger,
`func.TimerRequest` for a timer). Two cloud services have no emulator here, so the
runner puts local stand-ins behind the SDK surfaces the adapters use, and nothing else:

- Key Vault: `SecretClient` is a JSON file (`FileVault`), shared with the CLI run by
  `python -m tests.deploy.functions_runner VAULT cli ARGS...`;
- Service Bus: the in-process namespace double of the queue contract tests
  (tests/contracts/service_bus_double.py) with the queues, lock durations and max
  delivery count of infra/bicep/queues.json. The runner is the host's Service Bus
  listener too: it receives, hands the message to the trigger bound to that queue,
  completes it when the function returns and abandons it when it raises, so the
  namespace dead-letters it after the queue's max delivery count, as Service Bus does.

Blob Storage (Azurite) and PostgreSQL are real; their addresses come in through the
app settings (the Bicep placeholders filled by the test), never through this runner.

Protocol: one JSON line per command on stdin, one JSON line per answer on the real
stdout; logs go to stderr.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import threading
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[2]
QUEUES_JSON = ROOT / "infra" / "bicep" / "queues.json"


class FileVault:
    """The `SecretClient` calls KeyVaultSecrets makes, on a JSON file (vault name -> value)."""

    def __init__(self, path: Path, vault_url: str) -> None:
        self.path = path
        self.vault_url = vault_url

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        data: dict[str, str] = json.loads(self.path.read_text())
        return data

    def _write(self, data: dict[str, str]) -> None:
        temporary = self.path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        temporary.write_text(json.dumps(data))
        temporary.replace(self.path)

    def get_secret(self, name: str, **_: Any) -> Any:
        from azure.core.exceptions import ResourceNotFoundError

        data = self._read()
        if name not in data:
            raise ResourceNotFoundError(f"A secret with (name/id) {name} was not found")
        return SimpleNamespace(name=name, value=data[name])

    def set_secret(self, name: str, value: str, **_: Any) -> Any:
        data = self._read()
        data[name] = value
        self._write(data)
        return SimpleNamespace(name=name, value=value)

    def begin_delete_secret(self, name: str, **_: Any) -> Any:
        from azure.core.exceptions import ResourceNotFoundError

        data = self._read()
        if name not in data:
            raise ResourceNotFoundError(f"A secret with (name/id) {name} was not found")
        del data[name]
        self._write(data)
        return SimpleNamespace(wait=lambda: None)


def install_vault(path: Path) -> None:
    import shared.adapters.azure.key_vault_secrets as key_vault

    key_vault.secret_client = lambda vault_url, credential=None: FileVault(path, vault_url)  # type: ignore[assignment,return-value]


@dataclass
class Namespace:
    """The Service Bus namespace double, and the namespace names the code asked for."""

    bus: Any
    asked: list[str] = field(default_factory=list)


def install_service_bus() -> Namespace:
    import shared.adapters.azure.service_bus_queue as service_bus
    from tests.contracts.service_bus_double import FakeServiceBus

    config = json.loads(QUEUES_JSON.read_text())
    bus = FakeServiceBus()
    for queue in config["queues"]:
        minutes = int(queue["lockDuration"].removeprefix("PT").removesuffix("M"))
        bus.create_queue(queue["name"], minutes * 60, int(config["maxDeliveryCount"]))
    namespace = Namespace(bus)

    def client(**arguments: Any) -> Any:
        namespace.asked.append(
            arguments.get("fully_qualified_namespace") or arguments.get("connection_string")
        )
        return bus.client()

    service_bus.service_bus_client = client  # type: ignore[assignment]
    return namespace


@dataclass
class FunctionsContext:
    """What the Functions worker hands a function; AsgiMiddleware reads these attributes."""

    function_name: str
    invocation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_directory: str = "/home/site/wwwroot"
    thread_local_storage: threading.local = field(default_factory=threading.local)
    trace_context: Any = None
    retry_context: Any = None


class Host:
    def __init__(self, namespace: Namespace) -> None:
        import function_app

        self.namespace = namespace
        self.app = function_app.app
        self.functions = {f.get_function_name(): f for f in self.app.get_functions()}
        self.loop = asyncio.Runner()
        self.receivers: dict[str, Any] = {}
        self.invoked: set[str] = set()

    def describe(self) -> list[dict[str, Any]]:
        described = []
        for name, function in sorted(self.functions.items()):
            trigger = function.get_trigger().get_dict_repr()
            described.append({
                "name": name, "type": trigger["type"], "queue": trigger.get("queueName"),
                "schedule": trigger.get("schedule"), "connection": trigger.get("connection"),
            })  # fmt: skip
        return described

    def _bound_to(self, queue: str) -> Any:
        for function in self.functions.values():
            trigger = function.get_trigger().get_dict_repr()
            if trigger["type"] == "serviceBusTrigger" and trigger.get("queueName") == queue:
                return function
        raise LookupError(f"no function is triggered by the queue {queue!r}")

    def http(self, command: dict[str, Any]) -> dict[str, Any]:
        import azure.functions as func

        url = command["url"]
        path_and_query = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        path, _, query = path_and_query.partition("?")
        params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
        request = func.HttpRequest(
            method=command["method"], url=url, headers=command.get("headers", {}),
            params=params, route_params={"route": path}, body=command.get("body", "").encode(),
        )  # fmt: skip
        function = self.functions["http_app_func"]
        self.invoked.add("http_app_func")
        response = self.loop.run(
            function.get_user_function()(request, FunctionsContext("http_app_func"))
        )
        return {
            "status": response.status_code,
            "headers": dict(response.headers),
            "body": response.get_body().decode(),
        }

    def timer(self, command: dict[str, Any]) -> dict[str, Any]:
        from azure.functions.timer import TimerRequest  # the worker's concrete class

        function = self.functions[command["function"]]
        assert function.get_trigger().get_dict_repr()["type"] == "timerTrigger"
        self.invoked.add(command["function"])
        function.get_user_function()(TimerRequest(past_due=False))
        return {"ok": True}

    def deliver(self, command: dict[str, Any]) -> dict[str, Any]:
        """One listener pass: receive, invoke the bound trigger, complete or abandon."""
        queue = command["queue"]
        function = self._bound_to(queue)
        receiver = self.receivers.setdefault(
            queue, self.namespace.bus.client().get_queue_receiver(queue)
        )
        handled, failed = 0, []
        for received in receiver.receive_messages(command.get("max", 1), max_wait_time=1):
            message = functions_message(received)
            self.invoked.add(function.get_function_name())
            try:
                function.get_user_function()(message)
            except Exception as exc:
                receiver.abandon_message(received)
                failed.append(f"{type(exc).__name__}: {exc}")
            else:
                receiver.complete_message(received)
                handled += 1
        return {"handled": handled, "failed": failed}

    def send(self, command: dict[str, Any]) -> dict[str, Any]:
        from azure.servicebus import ServiceBusMessage

        sender = self.namespace.bus.client().get_queue_sender(command["queue"])
        body = base64.b64decode(command["body"])
        sender.send_messages(ServiceBusMessage(body, message_id=command.get("message_id")))
        return {"ok": True}

    def dead_letters(self, command: dict[str, Any]) -> dict[str, Any]:
        from azure.servicebus import ServiceBusSubQueue

        receiver = self.namespace.bus.client().get_queue_receiver(
            command["queue"], sub_queue=ServiceBusSubQueue.DEAD_LETTER
        )
        peeked = receiver.peek_messages(100, sequence_number=1)
        return {
            "messages": [
                {
                    "body": b"".join(m.body).decode(errors="replace"),
                    "reason": m.dead_letter_reason,
                    "description": m.dead_letter_error_description,
                    "deliveries": (m.delivery_count or 0) + 1,
                }
                for m in peeked
            ]
        }

    def invocations(self, command: dict[str, Any]) -> dict[str, Any]:
        return {"functions": sorted(self.invoked)}

    def queue_depth(self, command: dict[str, Any]) -> dict[str, Any]:
        entity = self.namespace.bus.entity(command["queue"])
        return {"active": len(entity.active), "dead": len(entity.dead)}


def functions_message(received: Any) -> Any:
    """The `func.ServiceBusMessage` the worker builds from a delivered message."""
    from azure.functions.servicebus import ServiceBusMessage  # the worker's concrete class

    properties = {
        (k.decode() if isinstance(k, bytes) else k): v
        for k, v in (received.application_properties or {}).items()
    }
    return ServiceBusMessage(
        body=b"".join(received.body),
        message_id=str(received.message_id),
        delivery_count=(received.delivery_count or 0) + 1,  # the host counts this delivery
        enqueued_sequence_number=received.sequence_number,
        sequence_number=received.sequence_number,
        enqueued_time_utc=received.enqueued_time_utc,
        locked_until=received.locked_until_utc,
        lock_token=str(received.lock_token),
        application_properties=properties,
        user_properties=properties,
    )


def _protocol_stream() -> TextIO:
    """The real stdout for answers; fd 1 (and sys.stdout) now point at stderr."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return answers


def _answer(stream: TextIO, **fields: Any) -> None:
    stream.write(json.dumps(fields, default=str) + "\n")
    stream.flush()


def serve(vault: Path) -> int:
    answers = _protocol_stream()
    install_vault(vault)
    namespace = install_service_bus()
    missing: list[str] = []
    try:
        from shared.bootstrap import serverless_platform, serverless_settings

        missing = serverless_settings().missing_settings()
        host = Host(namespace)
        serverless_platform()  # what the first invocation builds: raises StartupError if unset
    except Exception as exc:
        names = [*getattr(exc, "missing_settings", ()), *getattr(exc, "missing_secrets", ())]
        _answer(answers, startup_error=type(exc).__name__, detail=str(exc), missing=names)
        return 1
    _answer(
        answers, ready=True, missing_settings=missing, functions=host.describe(),
        namespaces=namespace.asked,
    )  # fmt: skip
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        try:
            result = getattr(host, command["op"])(command)
        except Exception as exc:
            trace = traceback.format_exc(limit=8)
            _answer(answers, error=type(exc).__name__, detail=str(exc), trace=trace)
        else:
            _answer(answers, result=result)
    host.loop.close()
    return 0


def cli(vault: Path, arguments: list[str]) -> int:
    """The `wellos` CLI as an operator runs it with the deployment's settings and vault."""
    install_vault(vault)
    from functions.cli.main import app

    try:
        app(arguments, prog_name="wellos")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


if __name__ == "__main__":
    vault_file = Path(sys.argv[1])
    if sys.argv[2] == "cli":
        sys.exit(cli(vault_file, sys.argv[3:]))
    sys.exit(serve(vault_file))
