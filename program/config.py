"""The stack config as the Pulumi engine (or the offline mock engine) hands it to the program.

Parsing and validating is ``stacks.load``'s; what lives here needs the engine (reading its
config) or the Azure ML SDK (loading retraining pipelines), which the config layer never imports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stacks.load import PROJECT_DIR, parse_config, project_keys
from stacks.model import PlatformConfig


def raw_from_pulumi_config() -> dict[str, Any]:
    """The project's keys as the Pulumi engine (or the mock engine) hands them to the program."""
    from pulumi.runtime.config import CONFIG, get_config_env

    raw: dict[str, Any] = {}
    for key, value in project_keys({**get_config_env(), **CONFIG.get()}.items()).items():
        try:
            raw[key] = json.loads(value) if isinstance(value, str) else value
        except json.JSONDecodeError:
            raw[key] = value
    return raw


def load_from_pulumi(project_dir: Path = PROJECT_DIR, source: str | None = None) -> PlatformConfig:
    """The validated config of the running stack; raises ConfigError before anything is registered.

    ``source`` names where the config came from in error messages (the offline preview passes the
    stack file it read).
    """
    import pulumi

    stack = pulumi.get_stack()
    config = parse_config(
        raw_from_pulumi_config(), environment=stack, project_dir=project_dir,
        source=source or f"config of stack '{stack}'",
    )
    check_retraining_jobs(config, project_dir)
    return config


def check_retraining_jobs(config: PlatformConfig, project_dir: Path = PROJECT_DIR) -> None:
    """Cron syntax, time zones and pipeline parameters, so `pulumi up` refuses a bad job too.

    Checking them loads the pipelines with azure-ai-ml, which is imported only when there are jobs.
    """
    if any(ws.retraining for tenant in config.tenants for ws in tenant.workspaces):
        from postdeploy.clients import quiet_sdk_logging
        from postdeploy.retraining.schedules import check_retraining

        quiet_sdk_logging()  # the SDK announces every experimental class it loads
        check_retraining(config, project_dir)
