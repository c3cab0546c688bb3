"""Seed the registry with the catalog: environments first, then the components that use them.

Registry versions are immutable. The plan compares the fingerprint tag of the registry version
with the catalog file: equal is a skip, different is blocked with a request to bump the version
(overwriting is impossible, and deleting would burn the version number for good).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from postdeploy.catalog import CONTENT_FINGERPRINT_TAG, CatalogAsset
from postdeploy.context import StackContext
from postdeploy.kind import Kind
from postdeploy.operations import Action, Operation, ReportedError, Target
from postdeploy.session import Session


class VersionConflict(ReportedError):
    """The registry holds this version with other content."""


@dataclass(frozen=True)
class SeedSpec:
    asset: CatalogAsset
    registry: str

    @property
    def target(self) -> Target:
        return Target("registry", self.registry)

    @property
    def subject(self) -> str:
        return f"{self.asset.name}:{self.asset.version}"

    @property
    def provides(self) -> tuple[str, ...]:
        return (self.asset.key,)

    @property
    def requires(self) -> tuple[str, ...]:
        return self.asset.requires


def _singular(kind: str) -> str:
    return kind.removesuffix("s")


def conflict_message(spec: SeedSpec) -> str:
    a = spec.asset
    return (
        f"{_singular(a.kind)} {a.name} version {a.version} already exists in registry {spec.registry} with "
        f"different content, and registry versions are immutable: bump 'version' in {a.path}"
    )


def _environment_specs(context: StackContext) -> Iterable[SeedSpec]:
    return (SeedSpec(a, context.targets.registry.name) for a in context.catalog.environments)


def _component_specs(context: StackContext) -> Iterable[SeedSpec]:
    return (SeedSpec(a, context.targets.registry.name) for a in context.catalog.components)


def _offline(spec: SeedSpec, provided: frozenset[str] | set[str]) -> tuple[Action, str]:
    missing = [key for key in spec.requires if key not in provided]
    if missing:
        return Action.BLOCKED, f"needs {', '.join(missing)}, which nothing in this stack seeds or shares"
    return Action.CREATE, f"create from {spec.asset.path}"


def _inspect(spec: SeedSpec, session: Session) -> Operation[SeedSpec, None]:
    own = ENVIRONMENT if spec.asset.kind == "environments" else COMPONENT
    existing = session.registry_asset(spec.asset.kind, spec.asset.name, spec.asset.version)
    if existing is None:
        for env in spec.asset.environments:
            if not session.in_registry_or_planned("environments", env.name, env.version, env.key):
                return own.operation(spec, Action.BLOCKED,
                                 f"environment {env.name}:{env.version} is not in the registry and nothing seeds it")
        return own.operation(spec, Action.CREATE, f"not in the registry; create from {spec.asset.path}")
    found = (existing.tags or {}).get(CONTENT_FINGERPRINT_TAG)
    if found == spec.asset.fingerprint:
        return own.operation(spec, Action.SKIP, "in the registry with the same content")
    if found is None:
        return own.operation(spec, Action.SKIP,
                         "in the registry, created outside post-deploy (no fingerprint); left as is")
    return own.operation(spec, Action.BLOCKED, conflict_message(spec))


def _fingerprint_of(entity: Any) -> str | None:
    return (getattr(entity, "tags", None) or {}).get(CONTENT_FINGERPRINT_TAG)


def _execute(op: Operation[SeedSpec, None], session: Session) -> str:
    spec = op.spec
    client = session.registry_client()
    operations = client.environments if spec.asset.kind == "environments" else client.components
    uri = session.registry.asset_uri(spec.asset.kind, spec.asset.name, spec.asset.version)
    try:
        created = session.call(lambda: operations.create_or_update(spec.asset.entity()))
    except Exception as error:
        return _read_back(spec, session, error, uri)
    # A registry has been seen to answer 200 and keep the version it had: the answer's tag tells.
    if _fingerprint_of(created) == spec.asset.fingerprint:
        return f"created {uri}"
    return _read_back(spec, session, None, uri)


def _read_back(spec: SeedSpec, session: Session, error: Exception | None, uri: str) -> str:
    """Decide by what the registry holds, not by the status code: a version conflict has been
    answered as 409, as 400 and as a 200 keeping the old version, and a create can succeed on
    Azure while its answer is lost."""
    existing = session.registry_asset(spec.asset.kind, spec.asset.name, spec.asset.version, fresh=True)
    if existing is not None and _fingerprint_of(existing) == spec.asset.fingerprint:
        return "already created with the same content" if error is not None else f"created {uri}"
    if existing is not None:
        raise VersionConflict(conflict_message(spec)) from error
    if error is not None:
        raise error
    raise RuntimeError(f"the registry accepted {uri} but does not hold it")


ENVIRONMENT: Kind[SeedSpec, None] = Kind("environment", 10, _environment_specs, _offline, _inspect, _execute)
COMPONENT: Kind[SeedSpec, None] = Kind("component", 20, _component_specs, _offline, _inspect, _execute)
