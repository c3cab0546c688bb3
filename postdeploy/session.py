"""A run against Azure: clients, and reads that are made once and shared.

Several operations often need the same fact -- every push into a workspace needs its endpoint
list, every pull of a catalog environment needs that environment's registry version -- so reads
are memoized per run and concurrent callers of the same read wait for the one request in flight.
A failed read is remembered too, so the operations that share it do not ask again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from azure.ai.ml import MLClient
from azure.ai.ml._restclient.arm_ml_service.models import ScheduleListViewType
from azure.core.exceptions import ResourceNotFoundError

from postdeploy.clients import ClientFactory
from postdeploy.context import StackContext
from postdeploy.retry import http_status
from postdeploy.targets import RegistrySite

T = TypeVar("T")

# The operation group of MLClient that holds each asset kind (URL plural -> attribute).
ASSET_OPERATIONS = {"models": "models", "data": "data", "environments": "environments", "components": "components"}


class Session:
    def __init__(self, context: StackContext, factory: ClientFactory, sources: Any = None) -> None:
        self.context = context
        self.factory = factory
        # Clients for promotion source registries, with the source tenants' own credentials
        # (``postdeploy.promotion.identities.SourceClients``); built on first use when not given.
        self.sources = sources
        self.provided: frozenset[str] = frozenset()  # registry keys that some operation of this run creates
        self._memo: dict[tuple[Any, ...], Future[Any]] = {}
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._lock = threading.Lock()

    @property
    def registry(self) -> RegistrySite:
        return self.context.targets.registry

    def call(self, fn: Callable[[], T]) -> T:
        """One SDK call. Its HTTP requests are retried one by one in the factory's transport
        (``postdeploy.retry``); retrying the call again here would multiply the attempts."""
        return fn()

    def registry_client(self) -> MLClient:
        return self.call(lambda: self.factory.registry(self.registry))

    def workspace_client(self, ref: str, *, purpose: str = "") -> MLClient:
        site = self.context.targets.workspace(ref)
        return self.call(lambda: self.factory.workspace(site, purpose=purpose))

    def lock(self, *key: str) -> threading.Lock:
        """A lock per key, for SDK calls that must not overlap."""
        with self._lock:
            return self._locks.setdefault(key, threading.Lock())

    # --- memoized reads ---------------------------------------------------------------------------
    def remember(self, key: tuple[Any, ...], read: Callable[[], T], *, fresh: bool = False) -> T:
        """A read of a kind's own (promotion sources, for one), made once per run like the reads below."""
        return self._once(("kind", *key), read, fresh)

    def _once(self, key: tuple[Any, ...], read: Callable[[], T], fresh: bool = False) -> T:
        with self._lock:
            future = self._memo.get(key)
            owner = future is None or fresh
            if owner:
                future = Future()
                self._memo[key] = future
        if owner:
            try:
                future.set_result(read())
            except BaseException as error:
                future.set_exception(error)
        return future.result()

    def registry_asset(self, kind: str, name: str, version: str, *, fresh: bool = False) -> Any | None:
        """The registry's version of an asset, or None when it does not exist."""
        def read() -> Any | None:
            operations = getattr(self.registry_client(), ASSET_OPERATIONS[kind])
            return _none_if_missing(lambda: self.call(lambda: operations.get(name=name, version=version)))

        return self._once(("registry", kind, name.lower(), version), read, fresh)

    def workspace_asset(self, ref: str, kind: str, name: str, version: str) -> Any | None:
        def read() -> Any | None:
            operations = getattr(self.workspace_client(ref), ASSET_OPERATIONS[kind])
            return _none_if_missing(lambda: self.call(lambda: operations.get(name=name, version=version)))

        return self._once(("workspace", ref, kind, name.lower(), version), read)

    def endpoints(self, ref: str, kind: str) -> dict[str, Any]:
        """Every online or batch endpoint of a workspace by lowered name: one list call per workspace."""
        def read() -> dict[str, Any]:
            client = self.workspace_client(ref)
            group = client.online_endpoints if kind == "online" else client.batch_endpoints
            return {e.name.lower(): e for e in self.call(lambda: list(group.list()))}

        return self._once(("endpoints", ref, kind), read)

    def schedules(self, ref: str) -> dict[str, Any]:
        """Every job schedule of a workspace, enabled or not, by lowered name: one list call per workspace."""
        def read() -> dict[str, Any]:
            client = self.workspace_client(ref)
            found = self.call(lambda: list(client.schedules.list(list_view_type=ScheduleListViewType.ALL)))
            return {s.name.lower(): s for s in found}

        return self._once(("schedules", ref), read)

    def workspace_versions(self, ref: str, kind: str) -> list[Any]:
        """Every active version of every model or data asset of a workspace: one list of names, then
        one list of versions per name. Only pruning needs it."""
        def read() -> list[Any]:
            group = getattr(self.workspace_client(ref), ASSET_OPERATIONS[kind])
            names = [c.name for c in self.call(lambda: list(group.list()))]
            return [v for name in names for v in self.call(lambda name=name: list(group.list(name=name)))]

        return self._once(("versions", ref, kind), read)

    def in_registry_or_planned(self, key_kind: str, name: str, version: str, key: str) -> bool:
        """Whether an asset exists in the registry now, or an operation of this run will create it."""
        return key in self.provided or self.registry_asset(key_kind, name, version) is not None


def _none_if_missing(read: Callable[[], T]) -> T | None:
    try:
        return read()
    except ResourceNotFoundError:
        return None
    except Exception as error:
        if http_status(error) == 404:
            return None
        raise
