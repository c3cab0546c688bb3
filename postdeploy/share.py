"""Share: copy a model, data or environment version from a tenant workspace into the registry.

Uses the SDK's ``<assets>.share(...)``, which asks the registry to import the workspace asset by
its id, keeping the lineage to the workspace it came from. A version already in the registry is
skipped: it is immutable there, and re-sharing cannot change it.

``share()`` points the client's operation scope -- which every operation group of that
``MLClient`` shares -- at the registry while it runs. So shares use a client of their own (other
work in the same workspace keeps its scope) and run one at a time per source workspace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from postdeploy.catalog import RegistryAsset
from postdeploy.context import StackContext
from postdeploy.kind import Kind
from postdeploy.operations import Action, Operation, ReportedError, Target
from postdeploy.session import ASSET_OPERATIONS, Session

PLURAL = {"model": "models", "data": "data", "environment": "environments", "component": "components"}


@dataclass(frozen=True)
class ShareSpec:
    asset: RegistryAsset
    source: str  # workspace ref
    registry: str

    @property
    def target(self) -> Target:
        return Target("registry", self.registry)

    @property
    def subject(self) -> str:
        return f"{self.asset.kind.removesuffix('s')} {self.asset.name}:{self.asset.version} from {self.source}"

    @property
    def provides(self) -> tuple[str, ...]:
        return (self.asset.key,)

    @property
    def requires(self) -> tuple[str, ...]:
        return ()


def _specs(context: StackContext) -> Iterable[ShareSpec]:
    for entry in context.config.sharing.share:
        asset = RegistryAsset(PLURAL[entry.asset_kind], entry.asset_name, entry.version)
        yield ShareSpec(asset, entry.from_, context.targets.registry.name)


def _offline(spec: ShareSpec, provided: frozenset[str] | set[str]) -> tuple[Action, str]:
    return Action.CREATE, f"share from workspace {spec.source} (its asset must exist there)"


def _inspect(spec: ShareSpec, session: Session) -> Operation[ShareSpec, None]:
    a = spec.asset
    if session.registry_asset(a.kind, a.name, a.version) is not None:
        return SHARE.operation(spec, Action.SKIP, "already in the registry")
    if session.workspace_asset(spec.source, a.kind, a.name, a.version) is None:
        return SHARE.operation(spec, Action.BLOCKED,
                         f"{a.name}:{a.version} is not in workspace {spec.source} yet; register it there first")
    return SHARE.operation(spec, Action.CREATE, f"share from workspace {spec.source}")


class ShareConflict(ReportedError):
    """The registry holds this version, copied from somewhere else."""


def _source_of(asset: Any) -> str:
    """The workspace asset a registry version was imported from, where the service records it."""
    return str((getattr(asset, "properties", None) or {}).get("sourceAssetId") or "")


def _execute(op: Operation[ShareSpec, None], session: Session) -> str:
    spec = op.spec
    a = spec.asset
    uri = session.registry.asset_uri(a.kind, a.name, a.version)
    group = getattr(session.workspace_client(spec.source, purpose="share"), ASSET_OPERATIONS[a.kind])
    try:
        with session.lock("share", spec.source):
            session.call(lambda: group.share(
                name=a.name, version=a.version, share_with_name=a.name, share_with_version=a.version,
                registry_name=spec.registry,
            ))
    except Exception as error:
        # The import may have succeeded while its answer could not be read (the final answer is an
        # empty body or the asset's body; the SDK reads only the first), or the version may have
        # appeared meanwhile (the SDK then refuses without a request): the registry decides.
        existing = session.registry_asset(a.kind, a.name, a.version, fresh=True)
        if existing is None:
            raise
        source = _source_of(existing)
        if source and not source.rstrip("/").endswith(f"/{a.name}/versions/{a.version}"):
            raise ShareConflict(f"registry {spec.registry} already holds {a.name}:{a.version}, imported from "
                                f"{source}, not from workspace {spec.source}") from error
        return f"in the registry as {uri}"
    return f"shared as {uri}"


SHARE: Kind[ShareSpec, None] = Kind("share", 30, _specs, _offline, _inspect, _execute)
