"""Pull: make a registry asset usable in a tenant workspace, the way that suits each asset type.

- Models and data are *registered* in the workspace under the same name and version, with the
  registry URI (``azureml://registries/<reg>/models/<name>/versions/<v>``) as their path. The
  bytes stay in the registry's storage, the workspace asset's path records where it came from
  (lineage), and tenants find it in their own asset list, use it as ``azureml:<name>:<v>`` in
  jobs, fine-tune it and share a new version back under the same name.
- Environments and components are *referenced* by registry URI, nothing is copied. A registry
  environment's image is built once and replicated to every registry region; a workspace copy
  would rebuild it in the workspace's container registry and lose the link to the registry
  version. A registry component already points at registry environments, and pipelines in the
  workspace use it as ``azureml://registries/<reg>/components/<name>/versions/<v>``. The pull
  checks that the version exists (or is seeded in the same run) and reports the URI to use.

Either way the tenant's access comes from role assignments on the registry (made by the stack),
not from this step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from azure.ai.ml.entities import Data, Model

from postdeploy.catalog import MANAGED_BY, MANAGED_TAG, RegistryAsset
from postdeploy.context import StackContext
from postdeploy.kind import Kind
from postdeploy.operations import Action, Operation, Target
from postdeploy.session import Session
from postdeploy.share import PLURAL
from postdeploy.targets import registry_asset_uri

REGISTERED = ("models", "data")
SOURCE_TAG = "mlt-source"


@dataclass(frozen=True)
class PullSpec:
    asset: RegistryAsset
    workspace: str
    registry: str
    is_source: bool = False  # this workspace shares the asset: it has it already

    @property
    def target(self) -> Target:
        return Target("workspace", self.workspace)

    @property
    def subject(self) -> str:
        return f"{self.asset.kind.removesuffix('s')} {self.asset.name}:{self.asset.version}"

    @property
    def provides(self) -> tuple[str, ...]:
        return ()

    @property
    def requires(self) -> tuple[str, ...]:
        return (self.asset.key,)

    @property
    def uri(self) -> str:
        return registry_asset_uri(self.registry, self.asset.kind, self.asset.name, self.asset.version)


def _specs(context: StackContext) -> Iterable[PullSpec]:
    sources = {(PLURAL[s.asset_kind], s.asset_name.lower(), s.version, s.from_) for s in context.config.sharing.share}
    for entry in context.config.sharing.pull:
        asset = RegistryAsset(PLURAL[entry.asset_kind], entry.asset_name, entry.version)
        for ref in entry.into:
            is_source = (asset.kind, asset.name.lower(), asset.version, ref) in sources
            yield PullSpec(asset, ref, context.targets.registry.name, is_source)


SOURCE_REASON = "this workspace shares it to the registry, so it has it already"


def _missing(spec: PullSpec) -> str:
    message = f"{spec.subject} is not in registry {spec.registry} and nothing in this stack seeds or shares it"
    if spec.asset.kind == "components" and "-" in spec.asset.name:
        message += f" (component names cannot contain '-': did you mean {spec.asset.name.replace('-', '_')}?)"
    return message


def _offline(spec: PullSpec, provided: frozenset[str] | set[str]) -> tuple[Action, str]:
    if spec.is_source:
        return Action.SKIP, SOURCE_REASON
    if spec.asset.key not in provided:
        return Action.BLOCKED, _missing(spec)
    if spec.asset.kind in REGISTERED:
        return Action.CREATE, f"register from {spec.uri}"
    return Action.SKIP, f"referenced as {spec.uri}; nothing to copy"


def _inspect(spec: PullSpec, session: Session) -> Operation[PullSpec, None]:
    a = spec.asset
    if spec.is_source:
        return PULL.operation(spec, Action.SKIP, SOURCE_REASON)
    if a.kind not in REGISTERED:
        if not session.in_registry_or_planned(a.kind, a.name, a.version, a.key):
            return PULL.operation(spec, Action.BLOCKED, _missing(spec))
        return PULL.operation(spec, Action.SKIP, f"referenced as {spec.uri}; nothing to copy")
    existing = session.workspace_asset(spec.workspace, a.kind, a.name, a.version)
    if existing is not None:
        if str(existing.path).rstrip("/") == spec.uri:
            return PULL.operation(spec, Action.SKIP, "registered from the registry")
        return PULL.operation(spec, Action.BLOCKED,
                         f"the workspace already has {a.name}:{a.version} with path {existing.path}, not from "
                         f"the registry; pull another version or remove the workspace one")
    if not session.in_registry_or_planned(a.kind, a.name, a.version, a.key):
        return PULL.operation(spec, Action.BLOCKED, _missing(spec))
    return PULL.operation(spec, Action.CREATE, f"register from {spec.uri}")


def _execute(op: Operation[PullSpec, None], session: Session) -> str:
    spec = op.spec
    a = spec.asset
    # Read the registry version now: it may have been shared earlier in this same run.
    source = session.registry_asset(a.kind, a.name, a.version, fresh=True)
    if source is None:
        raise LookupError(_missing(spec))
    tags = {**(source.tags or {}), SOURCE_TAG: spec.uri, MANAGED_TAG: MANAGED_BY}
    client = session.workspace_client(spec.workspace)
    if a.kind == "models":
        entity = Model(name=a.name, version=a.version, path=spec.uri, type=source.type,
                       description=source.description, tags=tags)
        session.call(lambda: client.models.create_or_update(entity))
    else:
        entity = Data(name=a.name, version=a.version, path=spec.uri, type=source.type,
                      description=source.description, tags=tags)
        session.call(lambda: client.data.create_or_update(entity))
    return f"registered {a.name}:{a.version} from {spec.uri}"


PULL: Kind[PullSpec, None] = Kind("pull", 50, _specs, _offline, _inspect, _execute)
