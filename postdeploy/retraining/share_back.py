"""Share a retrained model version from a tenant workspace back to the central registry.

How it is triggered: by the post-deploy CLI (``share-back --workspace <tenant>/<ws> --job <name>``),
after a scheduled run has registered a new version -- by an operator, or by a CI job on a timer.
It is idempotent: a version that is already in the registry (found by its lineage tags) is not
shared again, so running it more often than the schedule fires is harmless.

Which identity: whoever runs the CLI, normally the platform's service principal (the registry
owner in config). It already holds what sharing needs: the Contributor grant on the tenant
workspace (``ownerAccess: workspace``; a tenant without it cannot be shared back from) and write
on the registry it deploys. Sharing from inside the pipeline would instead need the compute
cluster's identity to hold a write role on the central registry, which would let every tenant's
jobs write shared assets; the CLI keeps that right with the platform, and the pipeline's
identity needs only to read the registry (components, and the base model it fine-tunes).

What it does:

1. picks the workspace version: the given one, or the latest of the job's model name;
2. makes sure that version carries the lineage tags (source tenant, workspace, model, run id,
   retraining job, base model name/version). The register step writes them at registration; a
   version registered some other way gets them here, with a tag update in the workspace;
3. shares it with ``ws_client.models.share`` under the configured registry name and the next
   version: the registry's highest numeric version + 1, or "1" for a new model. The registry
   copy carries the workspace version's tags, and registry versions are immutable, so the tags
   are settled in step 2, before the copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from azure.ai.ml import MLClient
from azure.ai.ml.entities import Model
from azure.core.exceptions import ResourceNotFoundError

from postdeploy.retraining.targets import RetrainingTarget, find_target
from postdeploy.targets import registry_asset_uri
from stacks.model import PlatformConfig
from stacks.topology import Topology

# Tags that tie a shared version to where it came from; the first three identify the source version.
IDENTITY_TAGS = ("source_tenant", "source_workspace", "source_model")


class ShareBackError(Exception):
    """Nothing can be shared: no share-back configured, no version, or lineage that does not match."""


@dataclass(frozen=True)
class ShareBackPlan:
    """What a share-back would do, decided from reads only."""

    workspace_ref: str
    job: str
    source_name: str
    source_version: str
    registry: str
    target_name: str
    target_version: str
    lineage: Mapping[str, str]
    # The workspace version lacks some lineage tags, so they are written before sharing.
    retag: bool
    # Set when this workspace version is already in the registry: nothing to do.
    already_shared_as: str | None = None

    @property
    def registry_asset(self) -> str:
        return registry_asset_uri(self.registry, "models", self.target_name, self.target_version)


@dataclass(frozen=True)
class ShareBackResult:
    plan: ShareBackPlan
    shared: bool
    model: Model | None = None

    def __str__(self) -> str:
        p = self.plan
        source = f"{p.workspace_ref} {p.source_name}:{p.source_version}"
        if not self.shared:
            return f"{source} is already shared as {p.already_shared_as}"
        return f"shared {source} to {p.registry_asset}"


def lineage_tags(target: RetrainingTarget, model: Model, run_id: str) -> dict[str, str]:
    """Lineage of a workspace version. What the version recorded when it was registered wins over
    today's config: the base model may have changed in config since that run."""
    job = target.job
    recorded = model.tags or {}
    tags = {
        "source_tenant": target.tenant,
        "source_workspace": target.workspace_key,
        "source_model": f"{model.name}:{model.version}",
        "source_run_id": run_id,
        "retraining_job": job.name,
    }
    for key in IDENTITY_TAGS:
        if recorded.get(key, tags[key]) != tags[key]:
            raise ShareBackError(
                f"{model.name}:{model.version} in '{target.workspace_ref}' records {key} '{recorded[key]}', "
                f"not '{tags[key]}': it did not come from this workspace's retraining"
            )
    if "base_model_name" in recorded:
        tags["base_model_name"] = recorded["base_model_name"]
        tags["base_model_version"] = recorded.get("base_model_version", "")
    elif job.base_model is not None:
        tags["base_model_name"] = job.base_model.name
        tags["base_model_version"] = job.base_model.version
    return tags


def plan_share_back(
    cfg: PlatformConfig,
    target: RetrainingTarget,
    ws_client: MLClient,
    registry_client: MLClient,
    *,
    version: str | None = None,
    run_id: str | None = None,
) -> ShareBackPlan:
    job = target.job
    if job.share_back is None:
        raise ShareBackError(f"retraining job '{job.name}' of '{target.workspace_ref}' has no shareBack configured")
    name = job.model_name
    try:
        model = ws_client.models.get(name, version=version) if version else ws_client.models.get(name, label="latest")
    except ResourceNotFoundError as error:
        which = f"version {version}" if version else "any version"
        raise ShareBackError(f"model '{name}' has no {which} in workspace '{target.workspace_ref}' yet") from error

    tags = dict(model.tags or {})
    recorded_job = tags.get("retraining_job")
    if recorded_job and recorded_job != job.name:
        raise ShareBackError(
            f"{name}:{model.version} in '{target.workspace_ref}' was registered by retraining job "
            f"'{recorded_job}', not '{job.name}'"
        )
    run = run_id or tags.get("source_run_id") or model.job_name
    if not run:
        raise ShareBackError(
            f"{name}:{model.version} in '{target.workspace_ref}' records no run id (no source_run_id tag "
            "and no job); pass the run id of the job that produced it"
        )
    lineage = lineage_tags(target, model, run)
    existing = _registry_versions(registry_client, job.share_back.model)
    source = {k: lineage[k] for k in IDENTITY_TAGS}
    shared_as = next(
        (m for m in existing if all((m.tags or {}).get(k) == v for k, v in source.items())), None
    )
    return ShareBackPlan(
        workspace_ref=target.workspace_ref,
        job=job.name,
        source_name=name,
        source_version=str(model.version),
        registry=cfg.registry.name,
        target_name=job.share_back.model,
        target_version=str(shared_as.version) if shared_as else next_version(existing),
        lineage=MappingProxyType(lineage),
        retag=any(tags.get(k) != v for k, v in lineage.items()),
        already_shared_as=f"{shared_as.name}:{shared_as.version}" if shared_as else None,
    )


def apply_share_back(plan: ShareBackPlan, ws_client: MLClient) -> ShareBackResult:
    if plan.already_shared_as:
        return ShareBackResult(plan, shared=False)
    if plan.retag:
        model = ws_client.models.get(plan.source_name, version=plan.source_version)
        model.tags = {**(model.tags or {}), **plan.lineage}
        ws_client.models.create_or_update(model)
    shared = ws_client.models.share(
        name=plan.source_name,
        version=plan.source_version,
        registry_name=plan.registry,
        share_with_name=plan.target_name,
        share_with_version=plan.target_version,
    )
    return ShareBackResult(plan, shared=True, model=shared)


def share_back(
    cfg: PlatformConfig,
    ws_client: MLClient,
    registry_client: MLClient,
    *,
    workspace: str,
    job: str,
    version: str | None = None,
    run_id: str | None = None,
    topology: Topology | None = None,
) -> ShareBackResult:
    """Share the latest (or the given) version the job registered in ``workspace`` ("<tenant>/<ws>")."""
    target = find_target(cfg, workspace, job, topology)
    plan = plan_share_back(cfg, target, ws_client, registry_client, version=version, run_id=run_id)
    return apply_share_back(plan, ws_client)


def next_version(existing: list[Model]) -> str:
    """Registry versions are immutable and never reused: one past the highest numeric version."""
    numbers = [int(m.version) for m in existing if str(m.version).isdigit()]
    return str(max(numbers) + 1) if numbers else "1"


def _registry_versions(registry_client: MLClient, name: str) -> list[Model]:
    try:
        return list(registry_client.models.list(name=name))
    except ResourceNotFoundError:
        return []
