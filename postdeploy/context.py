"""The desired state every kind reads from: the validated config, its topology, where things live, the catalog.

Built once per run (the topology included) and handed to every kind, so nothing derives it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from postdeploy.catalog import Catalog, load_catalog
from postdeploy.targets import StackTargets, derive_targets
from stacks.load import PROJECT_DIR
from stacks.model import PlatformConfig
from stacks.topology import Topology


@dataclass(frozen=True)
class StackContext:
    """Everything desired: the validated config, its topology, where things live, and the loaded catalog."""

    config: PlatformConfig
    targets: StackTargets
    catalog: Catalog
    project_dir: Path
    topology: Topology


def stack_context(
    cfg: PlatformConfig,
    targets: StackTargets | None = None,
    project_dir: Path | None = None,
    topology: Topology | None = None,
) -> StackContext:
    project_dir = project_dir or PROJECT_DIR
    topology = topology or Topology.of(cfg)
    targets = targets or derive_targets(cfg, topology=topology)
    return StackContext(cfg, targets, load_catalog(cfg, targets.registry, project_dir), project_dir, topology)
