"""The device's side of sync: send pending events, follow jobs, pull changes.

Every call goes through `_request`, which retries transport failures, 429 and
5xx answers with exponential backoff (and full jitter), honours Retry-After,
and refreshes the access token once on a 401. Resending is safe by design: the
server answers `duplicate` for an event it already took, with the first outcome.
A batch the server refuses whole (an event nested too deep, a body too big) is
split in halves until the one event at fault is found and kept as rejected; the
others are taken, and the next sync does not send that event again.

    >>> store = FieldStore(profile.store_path)
    >>> store.record("NOTE_ADDED", well_id, {"text": "gate latch broken"})
    >>> report = FieldClient(profile, store).sync()
    >>> report.counts["applied"]
    1
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from functions.cli.field.errors import NotConfiguredError, ServerRefusedError, UnreachableError
from functions.cli.field.profile import Profile
from functions.cli.field.store import PENDING, FieldStore, LocalEvent

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".heic": "image/heic",
}


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts: base × factor^n, at most max_s, with full jitter."""

    attempts: int = 6
    base_s: float = 0.5
    factor: float = 2.0
    max_s: float = 30.0
    jitter: bool = True

    def delays(self) -> Iterator[float]:
        for attempt in range(self.attempts - 1):
            ceiling = min(self.max_s, self.base_s * self.factor**attempt)
            yield random.uniform(0, ceiling) if self.jitter else ceiling


@dataclass
class SyncReport:
    sent: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    jobs: list[str] = field(default_factory=list)
    pending: int = 0

    def add(self, outcomes: list[dict[str, Any]]) -> None:
        for outcome in outcomes:
            status = outcome.get("first_status") or outcome["status"]
            self.counts[status] = self.counts.get(status, 0) + 1


class FieldClient:
    def __init__(
        self,
        profile: Profile,
        store: FieldStore,
        transport: httpx.BaseTransport | None = None,
        backoff: Backoff = Backoff(),
        sleep: Callable[[float], None] = time.sleep,
        max_batch_events: int = 20_000,
        job_timeout_s: float = 600.0,
    ) -> None:
        if not profile.api_url or not profile.tenant:
            raise NotConfiguredError("configure the profile first: wellos field configure")
        self.profile = profile
        self.store = store
        self._http = httpx.Client(
            base_url=profile.api_url, transport=transport, timeout=httpx.Timeout(60.0, connect=5.0)
        )
        self._backoff = backoff
        self._sleep = sleep
        self._max_batch = max_batch_events
        self._job_timeout_s = job_timeout_s

    def close(self) -> None:
        self._http.close()

    # --- HTTP with retries ------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"X-WellOS-Tenant": self.profile.tenant}
        token = self.profile.credentials().get("access_token")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _request(
        self, method: str, url: str, content_type: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """The answer to a request, after retrying what a retry can fix."""
        refreshed = False
        delays = self._backoff.delays()
        extra = {"Content-Type": content_type} if content_type else {}
        while True:
            try:
                headers = {**self._headers(), **extra}
                response = self._http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                self._wait(delays, None, f"{type(exc).__name__}: {exc}")
                continue
            if response.status_code == 401 and not refreshed and self._refresh():
                refreshed = True
                continue
            if response.status_code in RETRY_STATUSES:
                self._wait(delays, response, f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                raise _refused(response)
            return response

    def _wait(self, delays: Iterator[float], response: httpx.Response | None, why: str) -> None:
        delay = next(delays, None)
        if delay is None:
            raise UnreachableError(
                f"{self.profile.api_url} did not answer ({why}); try again later"
            )
        after = response.headers.get("retry-after", "") if response is not None else ""
        self._sleep(max(delay, float(after)) if after.isdigit() else delay)

    def _refresh(self) -> bool:
        refresh_token = self.profile.credentials().get("refresh_token")
        if not refresh_token:
            return False
        response = self._http.post(
            "/api/v1/auth/refresh",
            json={"refresh_token": refresh_token},
            headers={"X-WellOS-Tenant": self.profile.tenant},
        )
        if response.status_code != 200:
            return False
        tokens = response.json()
        self.profile.save_credentials(tokens["access_token"], tokens["refresh_token"])
        return True

    def login(self, email: str, password: str) -> None:
        body = {"email": email, "password": password}
        tokens = self._request("POST", "/api/v1/auth/login", json=body).json()
        self.profile.email = email
        self.profile.save()
        self.profile.save_credentials(tokens["access_token"], tokens["refresh_token"])

    # --- sync -------------------------------------------------------------------------

    def sync(self) -> SyncReport:
        """Upload pending photos, send every pending event, follow jobs to the end."""
        report = SyncReport()
        for job_id in self.store.jobs():  # left running by an earlier sync
            report.add(self._follow_job(job_id))
        self._upload_photos()
        while batch := self.store.events(PENDING, limit=self._max_batch):
            report.sent += len(batch)
            report.add(self._send(batch, report))
        report.pending = len(self.store.events(PENDING))
        return report

    def _send(self, batch: list[LocalEvent], report: SyncReport) -> list[dict[str, Any]]:
        """Send a batch; if the server refuses it whole (too deep, too big), send each half,
        down to the one event at fault, which is kept as rejected with the server's reason."""
        try:
            return self._send_whole(batch, report)
        except ServerRefusedError as refused:
            if not _refused_for_its_content(refused):
                raise  # the login, the tenant or the batch's envelope: splitting cannot help
            if len(batch) == 1:
                return self._rejected_here(batch[0], refused)
            half = len(batch) // 2
            return self._send(batch[:half], report) + self._send(batch[half:], report)

    def _rejected_here(
        self, event: LocalEvent, refused: ServerRefusedError
    ) -> list[dict[str, Any]]:
        """The server will never take this event as it is: keep it as rejected, not pending,
        so the next sync does not send it again (`wellos field conflicts --all` shows it)."""
        reason = f"the server refused it ({refused.status}): {refused.detail}"
        outcome = {"id": event.id, "status": "rejected", "reason": reason[:500]}
        self.store.save_outcomes([outcome])
        return [outcome]

    def _send_whole(self, batch: list[LocalEvent], report: SyncReport) -> list[dict[str, Any]]:
        device = {
            "id": self.profile.device_id,
            "platform": self.profile.platform,
            "app_version": self.profile.app_version,
            "clock": self.store.clock().isoformat(),
        }
        body = {"device": device, "events": [event.wire() for event in batch]}
        # Encoded here, not by httpx: a NaN or a lone surrogate an app let through is sent
        # (as JSON's NaN and "\ud800") for the server to reject that event alone, instead
        # of failing every sync on this device before anything is sent.
        raw = json.dumps(body).encode()
        response = self._request("POST", "/api/v1/sync", "application/json", content=raw)
        if response.status_code == 202:
            job_id = str(response.json()["job_id"])
            self.store.mark_job([event.id for event in batch], job_id)
            report.jobs.append(job_id)
            return self._follow_job(job_id)
        results: list[dict[str, Any]] = response.json()["results"]
        self.store.save_outcomes(results)
        return results

    def _follow_job(self, job_id: str) -> list[dict[str, Any]]:
        """Wait for a job (backing off up to 5 s between looks), then keep its outcomes."""
        deadline = time.monotonic() + self._job_timeout_s
        wait = 0.2
        path = f"/api/v1/sync/jobs/{job_id}"
        while self._request("GET", path, params={"limit": 1}).json()["status"] not in (
            "done",
            "failed",
        ):
            if time.monotonic() > deadline:
                return []  # still running: the next sync looks again
            self._sleep(wait)
            wait = min(5.0, wait * 2)
        outcomes: list[dict[str, Any]] = []
        while True:
            page = self._request("GET", path, params={"limit": 500, "offset": len(outcomes)})
            items = page.json()["outcomes"]["items"]
            outcomes += items
            if not items or len(outcomes) >= page.json()["outcomes"]["total"]:
                break
        self.store.save_outcomes(outcomes)
        return outcomes

    def _upload_photos(self) -> None:
        """Send each pending photo's file where the server says, then complete its event."""
        for event in self.store.events(PENDING):
            if not event.photo_path or event.payload.get("blob_key"):
                continue
            path = Path(event.photo_path)
            data = path.read_bytes()
            content_type = event.payload.get("content_type") or PHOTO_TYPES.get(
                path.suffix.lower(), "image/jpeg"
            )
            body = {"content_type": content_type, "size": len(data)}
            made = self._request("POST", f"/api/v1/wells/{event.well_id}/photos", json=body).json()
            upload = made["upload"]
            self._upload(upload["method"], upload["url"], upload["headers"], data)
            self.store.set_payload(
                event.id,
                {**event.payload, "blob_key": made["blob_key"], "content_type": content_type},
            )

    def _upload(self, method: str, url: str, headers: dict[str, str], data: bytes) -> None:
        delays = self._backoff.delays()
        while True:
            try:  # the target may be another host (SAS, presigned): no tenant, no token
                response = self._http.request(method, url, headers=headers, content=data)
            except httpx.TransportError as exc:
                self._wait(delays, None, type(exc).__name__)
                continue
            if response.status_code in RETRY_STATUSES:
                self._wait(delays, response, f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                raise _refused(response)
            return

    # --- pull -------------------------------------------------------------------------

    def pull(self, page_size: int = 500) -> list[dict[str, Any]]:
        """Every change since the stored cursor, page by page; returns what came."""
        pulled: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {"limit": page_size}
            if self.store.cursor:
                params["since"] = self.store.cursor
            page = self._request("GET", "/api/v1/sync/changes", params=params).json()
            self.store.add_changes(page["changes"], page["cursor"])
            pulled += page["changes"]
            if not page["has_more"]:
                return pulled


def _refused_for_its_content(refused: ServerRefusedError) -> bool:
    """Whether the server refused a batch for what some event holds: too big (413) or nested
    too deep (422 naming the `body`), never for who sent it or the batch's envelope."""
    return refused.status == 413 or (refused.status == 422 and refused.field == "body")


def _refused(response: httpx.Response) -> ServerRefusedError:
    try:
        problem = response.json()
    except ValueError:
        return ServerRefusedError(response.status_code, response.text[:200])
    detail = str(problem.get("detail") or problem)
    return ServerRefusedError(response.status_code, detail, problem.get("field"))
