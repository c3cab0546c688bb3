"""Every retraining job of a stack with the workspace it runs in and its config path."""

from __future__ import annotations

from dataclasses import dataclass

from postdeploy.targets import WorkspaceCoordinates
from stacks.errors import join_path
from stacks.model import PlatformConfig
from stacks.retraining import RetrainingJob
from stacks.topology import Topology


@dataclass(frozen=True)
class RetrainingTarget:
    """One retraining job in context: which tenant workspace (the coordinates post-deploy uses too), where in config."""

    workspace: WorkspaceCoordinates
    job: RetrainingJob
    path: tuple[str | int, ...]

    @property
    def tenant(self) -> str:
        return self.workspace.tenant

    @property
    def workspace_key(self) -> str:
        return self.workspace.key

    @property
    def workspace_ref(self) -> str:
        return self.workspace.ref

    @property
    def subscription_id(self) -> str:
        return self.workspace.subscription_id

    @property
    def resource_group(self) -> str:
        return self.workspace.resource_group

    @property
    def workspace_name(self) -> str:
        return self.workspace.name

    @property
    def workspace_compute(self) -> str:
        return self.workspace.compute

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


def retraining_targets(cfg: PlatformConfig, topology: Topology | None = None) -> tuple[RetrainingTarget, ...]:
    """Every job, in config order; pass the run's ``topology`` when there is one, so it is not derived again."""
    topology = topology or Topology.of(cfg)
    return tuple(
        RetrainingTarget(
            workspace=WorkspaceCoordinates.of(topology.site(f"{tenant.key}/{workspace.key}")),
            job=job,
            path=("tenants", i, "workspaces", w, "retraining", j),
        )
        for i, tenant in enumerate(cfg.tenants)
        for w, workspace in enumerate(tenant.workspaces)
        for j, job in enumerate(workspace.retraining)
    )


def find_target(cfg: PlatformConfig, workspace_ref: str, job_name: str,
                topology: Topology | None = None) -> RetrainingTarget:
    """The job ``job_name`` of workspace ``<tenant>/<workspace>``; KeyError naming what exists."""
    targets = retraining_targets(cfg, topology)
    for target in targets:
        if target.workspace_ref == workspace_ref and target.job.name == job_name:
            return target
    known = ", ".join(f"{t.workspace_ref}:{t.job.name}" for t in targets) or "none"
    raise KeyError(f"no retraining job '{job_name}' in workspace '{workspace_ref}'; configured: {known}")
