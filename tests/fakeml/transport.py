"""The fake Azure ML service as an azure-core ``HttpTransport``.

Give it to the real SDK and every generated client sends through it::

    fake = FakeAzureML()
    fake.add_registry("mlreg-dev", subscription_id=SUB, resource_group="rg-mlreg-dev")
    ws = fake.add_workspace(SUB, "rg-ml-t1-ws1-dev", "mlw-t1-ws1-dev", location="westeurope")
    client = MLClient(FakeCredential(), SUB, ws.resource_group, ws.name, transport=fake, retry_total=0)

State: ``add_registry`` / ``add_workspace`` create the scopes (Pulumi made them before post-deploy
runs), ``ws.assets`` / ``reg.assets`` and ``ws.child(...)`` show what the SDK created, and
``fake.seed_workspace_asset`` puts an asset into a workspace as a tenant's own job would.

Requests: ``fake.requests`` (every one, in order), ``fake.writes()``, ``fake.reads()``,
``fake.find(method, path_fragment)`` and ``fake.clear_requests()``.

Faults: ``fake.inject(Fault.throttled(retry_after=2, method="PUT", path_contains="/onlineEndpoints/"))``
fires before the request reaches the state; ``fake.latency`` adds a sleep to every request.

Storage: requests to ``*.blob.core.windows.net`` (code uploads through a ``tempdatarefs`` SAS) are
answered by ``tests.fakeml.blobs``; ``fake.requests`` records them too (``RecordedRequest.is_blob``).

Long-running operations (``tests.fakeml.service.Lro``): ``fake.service.lro.polls``,
``fake.service.failures`` (``ProvisioningFailure``), ``fake.service.import_result`` and
``fake.service.version_conflict`` choose among the answers Azure gives; pollers wait in
``fake.sleep``, which records (``fake.slept``) and lets no time pass unless ``wait_scale`` is set.

Job schedules need nothing special: ``PUT/GET/DELETE .../workspaces/{ws}/schedules/{name}`` is kept
by the generic child-resource store, so ``ws.child("schedules", name)`` shows the stored body.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Self

from azure.core.exceptions import ServiceRequestError, ServiceResponseTimeoutError
from azure.core.pipeline.transport import HttpTransport

from tests.fakeml.blobs import BLOB_HOST_SUFFIX
from tests.fakeml.faults import Fault
from tests.fakeml.records import RecordedRequest, split_url
from tests.fakeml.responses import build_raw_response, build_response, error_body
from tests.fakeml.service import Service
from tests.fakeml.state import FakeRegistry, FakeWorkspace


def _raw_body(request: Any) -> Any:
    raw = getattr(request, "content", None)
    if raw is None:
        raw = getattr(request, "data", None)
    if hasattr(raw, "read"):  # a file the storage client streams
        raw = raw.read()
    return raw


def _body_of(request: Any) -> Any:
    raw = _raw_body(request)
    if raw is None or raw == b"" or raw == "":
        return None
    if isinstance(raw, (bytes, bytearray)):
        raw = raw.decode()
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return raw


class InMemoryTransport(HttpTransport):
    """An azure-core transport with no connection to open or close: ``send`` answers from memory."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        return None

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None


class FakeAzureML(InMemoryTransport):
    """A stateful, thread-safe stand-in for ARM + the Azure ML registry front end."""

    def __init__(self, *, latency: float = 0.0, wait_scale: float = 0.0) -> None:
        self.latency = latency
        # Pollers' waits really pass, scaled (benchmarks); tests only record them.
        self.wait_scale = wait_scale
        self.service = Service()
        self.requests: list[RecordedRequest] = []
        self._faults: list[list[Any]] = []  # [fault, remaining]; remaining None = forever
        self._record_lock = threading.Lock()
        self.slept: list[float] = []

    # --- HttpTransport --------------------------------------------------------------------------
    def sleep(self, duration: float) -> None:
        """Pollers wait here between polls (``Retry-After``); the fake's clock moves, no time passes."""
        with self._record_lock:
            self.slept.append(duration)
        if self.wait_scale:
            time.sleep(duration * self.wait_scale)

    def send(self, request: Any, **kwargs: Any) -> Any:
        if self.latency:
            time.sleep(self.latency)
        host, path, query = split_url(request.url)
        method = request.method.upper()
        if host.endswith(BLOB_HOST_SUFFIX):
            return self._send_blob(request, method, host, path, query)
        body = _body_of(request)
        fault = self._take_fault(method, path)
        if fault is not None and fault.kind != "status":
            self._record(RecordedRequest(method, request.url, host, path, query, body, 0))
            if fault.kind == "connection":
                raise ServiceRequestError(f"injected connection error on {method} {path}")
            raise ServiceResponseTimeoutError(f"injected read timeout on {method} {path}")
        if fault is not None:
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            self._record(RecordedRequest(method, request.url, host, path, query, body, fault.status))
            return build_response(request, fault.status, error_body(fault.code, fault.message), headers)
        reply = self.service.handle(method, path, query, body)
        self._record(RecordedRequest(method, request.url, host, path, query, body, reply.status))
        return build_response(request, reply.status, reply.body, reply.headers)

    def _send_blob(self, request: Any, method: str, host: str, path: str, query: dict[str, str]) -> Any:
        raw = _raw_body(request) or b""
        content = raw.encode() if isinstance(raw, str) else bytes(raw)
        fault = self._take_fault(method, path)
        if fault is not None and fault.kind == "connection":
            self._record(RecordedRequest(method, request.url, host, path, query, content, 0))
            raise ServiceRequestError(f"injected connection error on {method} {path}")
        if fault is not None and fault.kind == "status":
            self._record(RecordedRequest(method, request.url, host, path, query, content, fault.status))
            return build_raw_response(request, fault.status, b"", {"x-ms-error-code": fault.code})
        reply = self.service.blobs.handle(method, host, path, query, request.headers, content)
        self._record(RecordedRequest(method, request.url, host, path, query, content, reply.status,
                                     dict(request.headers)))
        return build_raw_response(request, reply.status, reply.content, reply.headers)

    # --- state ----------------------------------------------------------------------------------
    def add_registry(
        self, name: str, *, subscription_id: str, resource_group: str, region: str = "westeurope"
    ) -> FakeRegistry:
        registry = FakeRegistry(name, subscription_id, resource_group, region)
        with self.service.lock:
            self.service.registries[name.lower()] = registry
        return registry

    def add_workspace(
        self, subscription_id: str, resource_group: str, name: str, *, location: str = "westeurope"
    ) -> FakeWorkspace:
        workspace = FakeWorkspace(subscription_id, resource_group, name, location)
        with self.service.lock:
            self.service.workspaces[(subscription_id.lower(), resource_group.lower(), name.lower())] = workspace
        return workspace

    def registry(self, name: str) -> FakeRegistry:
        found = self.service.registry(name)
        if found is None:
            raise KeyError(f"no fake registry {name}")
        return found

    def workspace(self, subscription_id: str, resource_group: str, name: str) -> FakeWorkspace:
        found = self.service.workspace(subscription_id, resource_group, name)
        if found is None:
            raise KeyError(f"no fake workspace {subscription_id}/{resource_group}/{name}")
        return found

    def seed_workspace_asset(
        self, workspace: FakeWorkspace, kind: str, name: str, version: str, properties: dict[str, Any]
    ) -> None:
        """Put an asset into a workspace the way a tenant's job would (no request is recorded)."""
        with self.service.lock:
            workspace.assets[(kind, name.lower(), str(version))] = self.service.version_resource(
                workspace.asset_id(kind, name, version), kind, version, properties
            )

    # --- faults ---------------------------------------------------------------------------------
    def inject(self, fault: Fault) -> None:
        with self._record_lock:
            self._faults.append([fault, fault.times])

    def clear_faults(self) -> None:
        with self._record_lock:
            self._faults.clear()

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._record_lock:
            for entry in self._faults:
                fault, remaining = entry
                if (remaining is None or remaining > 0) and fault.matches(method, path):
                    if remaining is not None:
                        entry[1] = remaining - 1
                    return fault
        return None

    # --- records --------------------------------------------------------------------------------
    def _record(self, record: RecordedRequest) -> None:
        with self._record_lock:
            self.requests.append(record)

    def clear_requests(self) -> None:
        with self._record_lock:
            self.requests.clear()

    def writes(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.is_write]

    def reads(self) -> list[RecordedRequest]:
        return [r for r in self.requests if not r.is_write]

    def find(self, method: str, path_contains: str) -> list[RecordedRequest]:
        """Requests with this method whose path contains the fragment (case-insensitive)."""
        fragment = path_contains.lower()
        return [r for r in self.requests if r.method == method.upper() and fragment in r.path.lower()]
