"""Prune: what post-deploy created in a workspace and config no longer declares.

Endpoints cost money every hour, so a push removed from config should not leave its endpoint
behind; neither should a retraining job its schedule. An item is only ever a candidate when it
carries post-deploy's ownership tag (``mlt-managed-by``; schedules made before that tag existed are
recognised by their ``config-fingerprint``), so nothing ml-tenancy did not create is deleted.
Deleting an endpoint deletes its deployments with it. A pulled model or data version (registered
in the workspace from the registry, tagged ``mlt-source``) is archived, which is how Azure ML
retires a workspace asset version: it leaves the asset lists and no new job can use it, while jobs
that ran on it keep their lineage. Registry versions are never pruned: they are immutable, a
deleted version cannot be created again, and others may use them.

The candidates are found by reading each workspace (``discover``), listed by ``plan`` as
``delete``, and deleted by ``apply`` only when asked to (``--prune``); the ownership tag is read
again just before each delete.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

from postdeploy.catalog import MANAGED_BY, MANAGED_TAG
from postdeploy.context import StackContext
from postdeploy.kind import Kind
from postdeploy.operations import Action, Operation, Target
from postdeploy.pull import SOURCE_TAG
from postdeploy.retraining.schedules import CONFIG_FINGERPRINT_TAG
from postdeploy.retraining.targets import retraining_targets
from postdeploy.session import Session
from postdeploy.share import PLURAL

Item = Literal["online endpoint", "batch endpoint", "schedule", "pulled model", "pulled data"]
# Pulled asset items and the asset kind (URL plural) each lists.
PULLED: dict[Item, str] = {"pulled model": "models", "pulled data": "data"}


@dataclass(frozen=True)
class Declared:
    """What config declares in one workspace: the items pruning must leave alone (names lowered)."""

    workspace: str
    online_endpoints: frozenset[str]
    batch_endpoints: frozenset[str]
    schedules: frozenset[str]
    pulls: frozenset[tuple[str, str, str]] = frozenset()  # (kind plural, name lowered, version)


@dataclass(frozen=True)
class Removal:
    """One owned item that config no longer declares."""

    workspace: str
    item: Item
    name: str
    version: str | None = None  # pulled assets: the workspace version

    @property
    def target(self) -> Target:
        return Target("workspace", self.workspace)

    @property
    def subject(self) -> str:
        return f"{self.item} {self.name}" + (f":{self.version}" if self.version else "")

    @property
    def provides(self) -> tuple[str, ...]:
        return ()

    @property
    def requires(self) -> tuple[str, ...]:
        return ()


def owned(resource: Any, item: Item) -> bool:
    tags = getattr(resource, "tags", None) or {}
    if item in PULLED:  # registered by a pull: both tags, so a tenant's own version is never touched
        return tags.get(MANAGED_TAG) == MANAGED_BY and SOURCE_TAG in tags
    if tags.get(MANAGED_TAG) == MANAGED_BY:
        return True
    return item == "schedule" and CONFIG_FINGERPRINT_TAG in tags


def declared(context: StackContext) -> dict[str, Declared]:
    online: dict[str, set[str]] = {ref: set() for ref in context.targets.workspaces}
    batch: dict[str, set[str]] = {ref: set() for ref in context.targets.workspaces}
    schedules: dict[str, set[str]] = {ref: set() for ref in context.targets.workspaces}
    for entry in context.config.sharing.push:
        for ref in entry.to:
            (online if entry.endpoint.kind == "online" else batch)[ref].add(entry.endpoint.name.lower())
    for target in retraining_targets(context.config, context.topology):
        schedules[target.workspace_ref].add(target.schedule_name.lower())
    pulls: dict[str, set[tuple[str, str, str]]] = {ref: set() for ref in context.targets.workspaces}
    for pull in context.config.sharing.pull:
        for ref in pull.into:
            pulls[ref].add((PLURAL[pull.asset_kind], pull.asset_name.lower(), pull.version))
    return {
        ref: Declared(ref, frozenset(online[ref]), frozenset(batch[ref]), frozenset(schedules[ref]),
                      frozenset(pulls[ref]))
        for ref in context.targets.workspaces
    }


def _specs(context: StackContext) -> Iterable[Removal]:
    return ()  # nothing to remove from an empty world: removals are found by reading Azure


def _offline(spec: Removal, provided: frozenset[str] | set[str]) -> tuple[Action, str]:
    return Action.SKIP, "nothing to remove"


def _inspect(spec: Removal, session: Session) -> Operation[Removal, None]:
    return PRUNE.operation(spec, Action.DELETE, _reason(spec))


def _reason(removal: Removal) -> str:
    if removal.item in PULLED:
        return "pulled by post-deploy, no longer in config; archived by apply --prune"
    return "created by post-deploy, no longer in config; deleted by apply --prune"


def _discover(session: Session) -> Iterable[Operation[Removal, None]]:
    """Every owned endpoint, schedule and pulled model or data version of every workspace that config
    no longer declares. Workspaces are read side by side, like the inspections before them."""
    wanted = declared(session.context)
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="prune-scan") as pool:
        found = list(pool.map(lambda ref: list(_removals(session, wanted[ref])), sorted(wanted)))
    return [PRUNE.operation(removal, Action.DELETE, _reason(removal)) for removals in found for removal in removals]


def _removals(session: Session, wanted: Declared) -> Iterable[Removal]:
    ref = wanted.workspace
    try:
        found = (
            ("online endpoint", session.endpoints(ref, "online"), wanted.online_endpoints),
            ("batch endpoint", session.endpoints(ref, "batch"), wanted.batch_endpoints),
            ("schedule", session.schedules(ref), wanted.schedules),
        )
    except Exception:  # an unreadable workspace: the kinds that act there report why
        return
    for item, live, keep in found:
        for name, resource in sorted(live.items()):
            if name not in keep and owned(resource, item):
                yield Removal(ref, item, resource.name)
    for item, kind in PULLED.items():
        try:
            versions = session.workspace_versions(ref, kind)
        except Exception:
            continue
        for version in sorted(versions, key=lambda v: (v.name.lower(), str(v.version))):
            key = (kind, version.name.lower(), str(version.version))
            if key not in wanted.pulls and owned(version, item):
                yield Removal(ref, item, version.name, str(version.version))


def _execute(op: Operation[Removal, None], session: Session) -> str:
    removal = op.spec
    client = session.workspace_client(removal.workspace)
    if removal.item in PULLED:
        assets = getattr(client, PULLED[removal.item])
        current = session.call(lambda: assets.get(name=removal.name, version=removal.version))
        if not owned(current, removal.item):
            return f"left {removal.subject}: it no longer carries the {MANAGED_TAG} and {SOURCE_TAG} tags"
        session.call(lambda: assets.archive(name=removal.name, version=removal.version))
        return f"archived {removal.subject}"
    group = {"online endpoint": client.online_endpoints, "batch endpoint": client.batch_endpoints,
             "schedule": client.schedules}[removal.item]
    # Read it again: only what still carries the ownership tag is deleted.
    current = session.call(lambda: group.get(removal.name))
    if not owned(current, removal.item):
        return f"left {removal.subject}: it no longer carries the {MANAGED_TAG} tag"
    session.call(lambda: group.begin_delete(name=removal.name).result())
    return f"deleted {removal.subject}"


# After every kind that creates or updates (schedules are 60).
PRUNE: Kind[Removal, None] = Kind("prune", 70, _specs, _offline, _inspect, _execute, discover=_discover)
