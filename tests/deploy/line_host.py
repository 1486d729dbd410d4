"""A host process of a rehearsal, spoken to by JSON lines on stdin and its answer pipe.

The AWS rehearsal runs one per Lambda function (tests/deploy/lambda_runner.py), the
Azure one a single Functions host (tests/deploy/functions_runner.py); both answer each
request line with one line `{"result": ...}` or `{"error", "trace"}`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import IO, Any


class LineHost:
    process: subprocess.Popen[str]
    answers: IO[str]
    log: Path

    def exchange(self, what: str, message: dict[str, Any]) -> Any:
        """Send one request line; its result, or an AssertionError naming `what`."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        answer = self.read(what)
        assert "error" not in answer, f"{what}: {answer['error']}: {answer['trace']}"
        return answer["result"]

    def read(self, what: str) -> dict[str, Any]:
        line = self.answers.readline()
        if not line:
            self.process.wait(timeout=30)
            tail = self.log.read_text()[-3000:]
            raise AssertionError(f"{what} exited ({self.process.returncode}): {tail}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
