"""Promotion as a post-deploy kind: plan (gate, target version, conflicts) and apply (copy with proof).

Phase 5: before the catalog (10), so a seeded component can run in a promoted environment, a push
can serve a promoted model and a pull can reference either; each promotion ``provides`` the
registry key of the version it creates, and the planner orders and blocks by those keys as for
every other kind.

Plan, per promoted version:

- the source version is read with the source tenant's credential; gone: blocked;
- the gate is checked on it; not passed: blocked, with every failing condition;
- the target version (the source's number, or the next free one) is read with the target
  credential: absent, create; present with this promotion's lineage and the digest the source
  has now, skip; anything else, a conflict (blocked, never overwritten);
- a component also needs the environment it runs in to exist in this registry (promoted in the
  same run or earlier): its reference is rewritten to it.

Apply reads the source again (the gate too), downloads the content into a temporary folder,
digests it, creates the version with its lineage tags and reads it back.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from postdeploy.catalog import registry_key
from postdeploy.context import StackContext
from postdeploy.kind import Kind
from postdeploy.operations import Action, Operation, Target
from postdeploy.promotion.copy import PromotionConflict, TargetVersion, conflict_reason, create, target_entity, verify
from postdeploy.promotion.digest import content_digest, count_files
from postdeploy.promotion.gate import check_gate, describe_gate
from postdeploy.promotion.identities import SourceClients
from postdeploy.promotion.lineage import DIGEST_TAG, FROM_TAG, Lineage, promoting_identity
from postdeploy.promotion.source import OPERATIONS, RegistryRef, definition, download, image_in_acr, read_version
from postdeploy.session import Session
from postdeploy.targets import registry_asset_uri
from stacks.promotion import Gate, PromotedAsset, Promotion, SourceRegistry
from stacks.promotion import TargetVersion as VersionChoice

PLURAL = {"model": "models", "data": "data", "environment": "environments", "component": "components"}
GATE_LATER = "checked at apply/plan against the source"


class SourceUnavailable(LookupError):
    """The source version cannot be promoted (gone, or its gate no longer passes)."""


@dataclass(frozen=True)
class PromotionSpec:
    source: SourceRegistry
    kind: str  # URL plural
    name: str
    version: str
    gate: Gate
    target_version: VersionChoice  # "source": the same number; "next": the target's next free one
    registry: str  # this stack's registry

    @property
    def target(self) -> Target:
        return Target("registry", self.registry)

    @property
    def subject(self) -> str:
        return f"{self.kind.removesuffix('s')} {self.name}:{self.version} from {self.source.registry}"

    @property
    def provides(self) -> tuple[str, ...]:
        # With targetVersion next, the version number is known only once the target is read.
        return (registry_key(self.kind, self.name, self.version),) if self.target_version == "source" else ()

    @property
    def requires(self) -> tuple[str, ...]:
        return ()

    @property
    def source_uri(self) -> str:
        return registry_asset_uri(self.source.registry, self.kind, self.name, self.version)

    @property
    def where(self) -> str:
        return f"registry {self.source.registry} (Entra tenant {self.source.entra_tenant_id})"


@dataclass(frozen=True)
class PromotionDetail:
    version: str  # the target version
    environment_uri: str | None  # a component's environment in this registry


def promotion_specs(context: StackContext) -> Iterable[PromotionSpec]:
    for promotion in context.config.promotions:
        for asset in promotion.assets:
            yield spec_of(promotion, asset, context.targets.registry.name)


def spec_of(promotion: Promotion, asset: PromotedAsset, registry: str) -> PromotionSpec:
    return PromotionSpec(promotion.from_, PLURAL[asset.asset_kind], asset.asset_name, asset.version,
                         promotion.gate_of(asset), promotion.target_version, registry)


def _target_phrase(spec: PromotionSpec, version: str | None = None) -> str:
    if version is None and spec.target_version == "next":
        return f"the next free version in registry {spec.registry}"
    return f"{spec.name}:{version or spec.version} in registry {spec.registry}"


def _offline(spec: PromotionSpec, provided: frozenset[str] | set[str]) -> tuple[Action, str]:
    return Action.CREATE, (f"copy from {spec.where} as {_target_phrase(spec)}; gate {describe_gate(spec.gate)}: "
                           f"{GATE_LATER}")


# --- reads ---------------------------------------------------------------------------------------
def source_clients(session: Session) -> SourceClients:
    """The source side's clients: handed in (tests, the CLI), else credentials from the environment."""
    with session.lock("promotion-sources"):
        if session.sources is None:
            session.sources = SourceClients()
        return session.sources


def _source_version(spec: PromotionSpec, session: Session, *, fresh: bool = False) -> Any | None:
    def read() -> Any | None:
        client = session.call(lambda: source_clients(session).registry(spec.source))
        return session.call(lambda: read_version(client, spec.kind, spec.name, spec.version))

    key = ("promotion-source", spec.source.entra_tenant_id, spec.source.registry, spec.kind, spec.name.lower(),
           spec.version)
    return session.remember(key, read, fresh=fresh)


def _numeric(version: str) -> int | None:
    return int(version) if version.isdigit() else None


def _target_version(spec: PromotionSpec, session: Session) -> tuple[str, Any | None]:
    """The version this promotion creates (or created) in the target, and what the target holds there."""
    if spec.target_version == "source":
        return spec.version, session.registry_asset(spec.kind, spec.name, spec.version)

    def read() -> tuple[str, Any | None]:
        group = getattr(session.registry_client(), OPERATIONS[spec.kind])
        versions = session.call(lambda: list(group.list(name=spec.name)))
        mine = next((v for v in versions if (v.tags or {}).get(FROM_TAG) == spec.source_uri), None)
        if mine is not None:
            return str(mine.version), mine
        numbers = [n for n in (_numeric(str(v.version)) for v in versions) if n is not None]
        return str(max(numbers, default=0) + 1), None

    return session.remember(("promotion-next", spec.kind, spec.name.lower(), spec.source_uri), read)


def _environment_of(spec: PromotionSpec, component: Any, session: Session) -> tuple[str | None, str | None, str]:
    """A component's environment in this registry: (uri, registry key it needs, or the reason it has none)."""
    ref = RegistryRef.parse(str(component.environment or ""))
    if ref is None:
        return None, None, (f"runs in environment {component.environment}, which is not a registry environment "
                            "and cannot be rewritten to this registry")
    if ref.registry.lower() != spec.source.registry.lower():
        # Another registry (such as Azure's public azureml registry) serves every tenant: kept as is.
        return str(component.environment), None, ""
    promoted = next((s for s in promotion_specs(session.context)
                     if s.kind == "environments" and s.name.lower() == ref.name.lower()
                     and s.version == ref.version and s.source.registry.lower() == ref.registry.lower()), None)
    if promoted is not None:
        version, _ = _target_version(promoted, session)
        return (registry_asset_uri(spec.registry, "environments", ref.name, version),
                registry_key("environments", ref.name, version), "")
    # Promoted by an earlier run (or another stack): found by its lineage tag.
    existing = session.registry_asset("environments", ref.name, ref.version)
    source_uri = registry_asset_uri(ref.registry, "environments", ref.name, ref.version)
    if existing is not None and (existing.tags or {}).get(FROM_TAG) == source_uri:
        return registry_asset_uri(spec.registry, "environments", ref.name, ref.version), None, ""
    return None, None, (f"runs in environment {ref.name}:{ref.version} of registry {ref.registry}, which no "
                        f"promotion of this stack copies to {spec.registry}; promote that environment too")


def _source_digest(spec: PromotionSpec, session: Session, source: Any) -> str:
    sources = source_clients(session)
    client = sources.registry(spec.source)
    ref = RegistryRef.parse(str(source.environment or "")) if spec.kind == "components" else None
    with tempfile.TemporaryDirectory(prefix="mlt-promote-") as folder:
        files = download(client, spec.kind, source, spec.name, spec.version, Path(folder),
                         sources.credential(spec.source.entra_tenant_id))
        return content_digest(definition(spec.kind, source, ref), files)


def _ready(spec: PromotionSpec, source: Any | None) -> str | None:
    """Why the source version cannot be promoted, or None when it can."""
    if source is None:
        return f"the source version is gone: {spec.name}:{spec.version} is not in {spec.where}; nothing to copy"
    gate = check_gate(spec.gate, spec.kind, source)
    if not gate.ready:
        return gate.reason
    if spec.kind == "environments" and (image := image_in_acr(source)):
        return (f"its image {image} is in a container registry of the source side, which prod must not pull "
                "from and a registry's own container registry cannot be pushed to; give the environment a "
                "conda file on a public base image or a build context, so it is rebuilt in this registry")
    return None


def _inspect(spec: PromotionSpec, session: Session) -> Operation[PromotionSpec, PromotionDetail]:
    source = _source_version(spec, session)
    problem = _ready(spec, source)
    if problem:
        return PROMOTION.operation(spec, Action.BLOCKED, problem)
    gate = check_gate(spec.gate, spec.kind, source)
    version, existing = _target_version(spec, session)
    op = PROMOTION.operation(spec, Action.CREATE, "")
    op = replace(op, provides=(registry_key(spec.kind, spec.name, version),))
    if spec.target_version == "next":
        op = replace(op, subject=f"{op.subject} as {spec.name}:{version}")
    environment_uri = None
    if spec.kind == "components":
        environment_uri, needs, why = _environment_of(spec, source, session)
        if environment_uri is None:
            return replace(op, action=Action.BLOCKED, reason=why)
        op = replace(op, requires=(needs,) if needs else ())
    detail = PromotionDetail(version, environment_uri)
    target_phrase = _target_phrase(spec, version)
    if existing is not None:
        tags = existing.tags or {}
        where = f"{spec.kind.removesuffix('s')} {target_phrase}"
        if tags.get(FROM_TAG) != spec.source_uri:
            return replace(op, action=Action.BLOCKED, reason=conflict_reason(where, tags, spec.source_uri, None))
        # Ours by lineage; the digest proves the content is still what the source holds.
        digest = session.call(lambda: _source_digest(spec, session, source))
        if tags.get(DIGEST_TAG) != digest:
            return replace(op, action=Action.BLOCKED, reason=conflict_reason(where, tags, spec.source_uri, digest))
        return replace(op, action=Action.SKIP, reason=f"promoted already from {spec.where} ({digest})", detail=detail)
    return replace(op, reason=f"copy from {spec.where} as {target_phrase}; {gate.reason}", detail=detail)


# --- apply ---------------------------------------------------------------------------------------
def _execute(op: Operation[PromotionSpec, PromotionDetail], session: Session) -> str:
    spec = op.spec
    detail = op.detail
    if detail is None:  # inspect always sets it on a create; a plan built otherwise is refused
        raise ValueError(f"{op}: planned without reading the source; run plan against Azure first")
    target = TargetVersion(spec.kind, spec.name, detail.version)
    where = f"{spec.kind.removesuffix('s')} {_target_phrase(spec, detail.version)}"
    source_client = session.call(lambda: source_clients(session).registry(spec.source))
    # Read again: the gate may have been withdrawn, or the version deleted, since the plan.
    source = _source_version(spec, session, fresh=True)
    problem = _ready(spec, source)
    if problem:
        raise SourceUnavailable(problem)
    env_ref = RegistryRef.parse(str(source.environment or "")) if spec.kind == "components" else None
    with tempfile.TemporaryDirectory(prefix="mlt-promote-") as folder:
        source_credential = source_clients(session).credential(spec.source.entra_tenant_id)
        files = session.call(lambda: download(source_client, spec.kind, source, spec.name, spec.version,
                                              Path(folder) / "download", source_credential))
        digest = content_digest(definition(spec.kind, source, env_ref), files)
        files_note = f", {count_files(files)} file(s)" if files is not None else ""
        lineage = Lineage(
            source_uri=spec.source_uri, source_registry_id=spec.source.arm_id,
            source_tenant=spec.source.entra_tenant_id, source_version=spec.version, digest=digest,
            promoted_by=promoting_identity(session.factory.credential), promoted_at=datetime.now(UTC),
        )
        entity = target_entity(target, source, files, lineage, detail.environment_uri)
        client = session.registry_client()
        existing = session.registry_asset(spec.kind, spec.name, detail.version, fresh=True)
        if existing is not None:
            verify(existing, target, lineage, spec.registry)  # ours with this digest, or a conflict
            return f"already promoted ({digest})"
        try:
            session.call(lambda: create(client, target, entity))
        except Exception as error:
            # The create may have landed before the error surfaced; the read-back decides.
            found = session.registry_asset(spec.kind, spec.name, detail.version, fresh=True)
            if found is None:
                raise
            if (found.tags or {}).get(FROM_TAG) != spec.source_uri or (found.tags or {}).get(DIGEST_TAG) != digest:
                raise PromotionConflict(conflict_reason(where, found.tags or {}, spec.source_uri, digest)) from error
            return f"already promoted ({digest})"
    found = session.registry_asset(spec.kind, spec.name, detail.version, fresh=True)
    verify(found, target, lineage, spec.registry)
    return (f"promoted {spec.source_uri} as {registry_asset_uri(spec.registry, spec.kind, spec.name, detail.version)}"
            f" ({digest}{files_note})")


PROMOTION: Kind[PromotionSpec, PromotionDetail] = Kind("promotion", 5, promotion_specs, _offline, _inspect, _execute)
