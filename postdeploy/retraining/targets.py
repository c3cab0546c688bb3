"""Every retraining job of a stack with the workspace it runs in and its config path."""

from __future__ import annotations

from dataclasses import dataclass

from stacks.errors import join_path
from stacks.model import PlatformConfig
from stacks.retraining import RetrainingJob
from stacks.topology import Topology, WorkspaceSite


@dataclass(frozen=True)
class RetrainingTarget:
    """One retraining job in context: which tenant workspace, which Azure names, where in config."""

    tenant: str
    workspace_key: str
    subscription_id: str
    resource_group: str
    workspace_name: str
    workspace_compute: str
    job: RetrainingJob
    path: tuple[str | int, ...]

    @property
    def workspace_ref(self) -> str:
        return f"{self.tenant}/{self.workspace_key}"

    @property
    def config_path(self) -> str:
        return join_path(*self.path)

    def at(self, *parts: str | int) -> str:
        """Config path of a key inside this job, e.g. ``at("schedule", "timeZone")``."""
        return join_path(*self.path, *parts)

    @property
    def compute(self) -> str:
        return self.job.compute or self.workspace_compute

    @property
    def schedule_name(self) -> str:
        return self.job.schedule_name


def retraining_targets(cfg: PlatformConfig) -> tuple[RetrainingTarget, ...]:
    topology = Topology.of(cfg)
    return tuple(
        _target(topology.site(f"{tenant.key}/{workspace.key}"), i, w, j, job)
        for i, tenant in enumerate(cfg.tenants)
        for w, workspace in enumerate(tenant.workspaces)
        for j, job in enumerate(workspace.retraining)
    )


def find_target(cfg: PlatformConfig, workspace_ref: str, job_name: str) -> RetrainingTarget:
    """The job ``job_name`` of workspace ``<tenant>/<workspace>``; KeyError naming what exists."""
    targets = retraining_targets(cfg)
    for target in targets:
        if target.workspace_ref == workspace_ref and target.job.name == job_name:
            return target
    known = ", ".join(f"{t.workspace_ref}:{t.job.name}" for t in targets) or "none"
    raise KeyError(f"no retraining job '{job_name}' in workspace '{workspace_ref}'; configured: {known}")


def _target(site: WorkspaceSite, i: int, w: int, j: int, job: RetrainingJob) -> RetrainingTarget:
    return RetrainingTarget(
        tenant=site.tenant.key,
        workspace_key=site.spec.key,
        subscription_id=site.subscription_id,
        resource_group=site.names.resource_group,
        workspace_name=site.names.workspace,
        workspace_compute=site.spec.compute.name,
        job=job,
        path=("tenants", i, "workspaces", w, "retraining", j),
    )
