"""Where post-deploy acts: the registry and every workspace, with their Azure coordinates.

The coordinates come from the stack outputs (``pulumi stack output --json``, or a file saved from
it), and fall back to the names derived from config: names are deterministic, so post-deploy can
run without any outputs at all.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from postdeploy.operations import Target
from stacks.model import PlatformConfig
from stacks.topology import Topology, WorkspaceSite


def registry_asset_uri(registry: str, kind: str, name: str, version: str) -> str:
    """How jobs, deployments and workspaces refer to a registry asset; ``kind`` is the URL plural."""
    return f"azureml://registries/{registry}/{kind}/{name}/versions/{version}"


@dataclass(frozen=True)
class RegistrySite:
    name: str
    subscription_id: str
    resource_group: str

    @property
    def target(self) -> Target:
        return Target("registry", self.name)

    def asset_uri(self, kind: str, name: str, version: str) -> str:
        """The registry URI of an asset; ``kind`` is the URL plural (models, data, environments, components)."""
        return registry_asset_uri(self.name, kind, name, version)


@dataclass(frozen=True)
class WorkspaceCoordinates:
    """Where one tenant workspace lives on Azure, as post-deploy and retraining address it.

    ``stacks.topology.WorkspaceSite`` is the config's view (tenant, spec, derived names); this is
    the deployed view, which stack outputs may override.
    """

    tenant: str
    key: str
    subscription_id: str
    resource_group: str
    name: str
    region: str
    compute: str

    @classmethod
    def of(cls, site: WorkspaceSite) -> WorkspaceCoordinates:
        """The coordinates config derives for a workspace (names are deterministic)."""
        return cls(
            tenant=site.tenant.key, key=site.spec.key, subscription_id=site.subscription_id,
            resource_group=site.names.resource_group, name=site.names.workspace,
            region=site.spec.region, compute=site.spec.compute.name,
        )

    @property
    def ref(self) -> str:
        return f"{self.tenant}/{self.key}"

    @property
    def target(self) -> Target:
        return Target("workspace", self.ref)


@dataclass(frozen=True)
class StackTargets:
    registry: RegistrySite
    workspaces: Mapping[str, WorkspaceCoordinates]
    source: str  # where the coordinates came from, shown in the CLI

    def workspace(self, ref: str) -> WorkspaceCoordinates:
        return self.workspaces[ref]


def derive_targets(cfg: PlatformConfig, outputs: Mapping[str, Any] | None = None, source: str = "config",
                   topology: Topology | None = None) -> StackTargets:
    """Coordinates from stack outputs where given, from config-derived names otherwise."""
    outputs = outputs or {}
    reg_out = outputs.get("registry") or {}
    ws_out = outputs.get("workspaces") or {}
    registry = RegistrySite(
        name=reg_out.get("name", cfg.registry.name),
        subscription_id=reg_out.get("subscriptionId", cfg.registry.subscription_id),
        resource_group=reg_out.get("resourceGroup", cfg.registry.resource_group),
    )
    workspaces = {}
    for site in (topology or Topology.of(cfg)).sites:
        derived = WorkspaceCoordinates.of(site)
        out = ws_out.get(site.ref) or {}
        workspaces[site.ref] = replace(
            derived,
            subscription_id=out.get("subscriptionId", derived.subscription_id),
            resource_group=out.get("resourceGroup", derived.resource_group),
            name=out.get("name", derived.name),
            region=out.get("region", derived.region),
            compute=out.get("compute", derived.compute),
        )
    return StackTargets(registry, workspaces, source)


def read_outputs(stack: str, outputs_file: Path | None, project_dir: Path) -> tuple[dict[str, Any], str]:
    """Stack outputs from a file, else from the pulumi CLI when it is installed, else none."""
    if outputs_file is not None:
        return json.loads(outputs_file.read_text()), str(outputs_file)
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        return {}, "names derived from config (no pulumi CLI, no --outputs)"
    completed = subprocess.run(
        [pulumi, "stack", "output", "--json", "--stack", stack],
        cwd=project_dir, capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"pulumi stack output failed: {completed.stderr.strip()}")
    return json.loads(completed.stdout or "{}"), f"pulumi stack output --stack {stack}"
