"""The functional tier: application services over the in-memory fakes, no sockets.

Every test here runs with network access disabled (pytest-socket): a service that
reaches for a database, a queue or a cloud SDK fails loudly instead of passing
against a real server by accident.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_socket import disable_socket, enable_socket


@pytest.fixture(autouse=True)
def no_sockets() -> Iterator[None]:
    disable_socket(allow_unix_socket=False)
    yield
    enable_socket()
