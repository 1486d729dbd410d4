"""A Lambda host for the rehearsal: `python -m tests.deploy.lambda_runner <module.attribute>`.

Run with exactly a function's environment (tests/deploy/test_aws_rehearsal.py), it
imports the handler the template names, builds the process platform once (as the
first invocation of a warm instance would) and reports a `StartupError` as such;
then it answers one JSON event per stdin line with one JSON line on its protocol
stream. Logs and EMF metrics (Powertools writes them to stdout) go to stderr, so
the protocol stream carries nothing else.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
import uuid
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:rehearsal"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def _protocol_stream() -> TextIO:
    """The real stdout for answers; fd 1 (and sys.stdout) now point at stderr."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return answers


def _answer(stream: TextIO, **fields: Any) -> None:
    stream.write(json.dumps(fields, default=str) + "\n")
    stream.flush()


def main(dotted: str) -> int:
    answers = _protocol_stream()
    try:
        module_name, _, attribute = dotted.rpartition(".")
        handler = getattr(importlib.import_module(module_name), attribute)
        from shared.bootstrap import serverless_platform, serverless_settings

        missing = serverless_settings().missing_settings()
        serverless_platform()  # what the first invocation builds: raises StartupError if unset
    except Exception as exc:
        _answer(answers, startup_error=type(exc).__name__, detail=str(exc), missing=missing_of(exc))
        return 1
    _answer(answers, ready=True, missing_settings=missing)
    for line in sys.stdin:
        if not line.strip():
            continue
        event = json.loads(line)
        try:
            result = handler(event, LambdaContext(function_name=attribute))
        except Exception as exc:
            trace = traceback.format_exc(limit=8)
            _answer(answers, error=type(exc).__name__, detail=str(exc), trace=trace)
        else:
            _answer(answers, result=result)
    return 0


def missing_of(exc: Exception) -> list[str]:
    return [*getattr(exc, "missing_settings", ()), *getattr(exc, "missing_secrets", ())]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
