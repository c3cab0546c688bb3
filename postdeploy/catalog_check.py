"""Catalog files checked with the stack config, before anything is registered.

The catalog is seeded by post-deploy, after `pulumi up`; a file the SDK cannot load would otherwise
be found only then, or, in the offline preview, after the program ran. Loading it here with the
SDK's own loaders gives the same message `plan --offline` gives, pinned to the config path.
"""

from __future__ import annotations

from pathlib import Path

from stacks.errors import ConfigError, Problem
from stacks.model import PlatformConfig
from stacks.topology import Topology


def check_catalog(config: PlatformConfig, project_dir: Path, source: str = "stack config") -> None:
    """Raise ConfigError naming the config entry, the file and the SDK's message when a file does not load."""
    catalog = config.catalog
    if not catalog.environments and not catalog.components:
        return
    # azure-ai-ml is heavy; only stacks with a catalog pay for it.
    from postdeploy.catalog import CatalogError, load_catalog
    from postdeploy.clients import quiet_sdk_logging
    from postdeploy.targets import RegistrySite

    quiet_sdk_logging()
    files = tuple(_stamp(project_dir / rel) for rel in (*catalog.environments, *catalog.components))
    key = (config.registry.name, catalog, files)
    if key in _LOADED:  # the same files already loaded cleanly in this process (tests run the program often)
        return
    registry = RegistrySite(config.registry.name, config.registry.subscription_id, config.registry.resource_group)
    try:
        load_catalog(config, registry, project_dir)
    except CatalogError as error:
        raise ConfigError([Problem(_path_of(config, str(error)), _one_paragraph(str(error)))], source) from error
    _LOADED.add(key)


_LOADED: set[tuple] = set()


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return str(path), -1, -1
    return str(path), stat.st_mtime_ns, stat.st_size


def _path_of(config: PlatformConfig, message: str) -> str:
    """The config path of the entry the failing file belongs to (the SDK names the file, not the entry)."""
    for kind in ("environments", "components"):
        for i, rel in enumerate(getattr(config.catalog, kind)):
            if rel in message or str(Path(rel)) in message:
                return f"catalog.{kind}[{i}]"
    return "catalog"


def _one_paragraph(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = " ".join(lines)
    return joined if len(joined) <= 600 else joined[:600] + " …"


def check_stack_inputs(
    config: PlatformConfig, project_dir: Path, source: str = "stack config", topology: Topology | None = None
) -> None:
    """What the config contract alone cannot tell, checked before anything is registered or sent:
    catalog files the SDK refuses, retraining jobs against their pipelines, and flows that still
    need a tenant being offboarded. `pulumi up`, the offline preview and post-deploy all run it.

    The catalog goes first: a broken component file is the cause of any retraining problem it makes.
    """
    from postdeploy.retraining.schedules import check_retraining
    from stacks.offboarding import check_offboarding

    check_catalog(config, project_dir, source=source)
    if any(ws.retraining for tenant in config.tenants for ws in tenant.workspaces):
        check_retraining(config, project_dir, topology)
    check_offboarding(config, source=source)
