"""Turn raw stack config (Pulumi config or a Pulumi.<stack>.yaml file) into a PlatformConfig."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from stacks.checks import Parsed, run_checks
from stacks.errors import ConfigError, Problem, join_path, problems_from_validation
from stacks.fields import Guid
from stacks.model import Catalog, PlatformConfig, Registry, Sharing, Tenant

NAMESPACE = "ml-tenancy"
PROJECT_DIR = Path(__file__).resolve().parent.parent
TOP_LEVEL_KEYS = ("entraTenantId", "environment", "registry", "tenants", "catalog", "sharing", "tags")


def parse_config(
    raw: Mapping[str, Any],
    *,
    environment: str,
    project_dir: Path = PROJECT_DIR,
    source: str = "stack config",
) -> PlatformConfig:
    """Validate every block, collect every problem, and raise them together."""
    problems: list[Problem] = []

    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            problems.append(
                Problem(f"{NAMESPACE}:{key}", f"unknown config key; allowed: {', '.join(TOP_LEVEL_KEYS)}")
            )
    environment = raw.get("environment", environment)

    def section(model: type[BaseModel], value: Any, *path: str | int) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as error:
            problems.extend(problems_from_validation(error, model, path))
            return None

    entra = None
    if "entraTenantId" not in raw:
        problems.append(Problem("entraTenantId", "is required: the Entra tenant (GUID) of the registry"))
    else:
        try:
            entra = TypeAdapter(Guid).validate_python(raw["entraTenantId"])
        except ValidationError as error:
            problems.append(Problem("entraTenantId", error.errors()[0]["msg"].removeprefix("Value error, ")))

    registry = None
    if "registry" not in raw:
        problems.append(Problem("registry", "is required"))
    else:
        registry = section(Registry, raw["registry"], "registry")

    raw_tenants = raw.get("tenants", [])
    tenants: dict[int, Tenant] = {}
    if not isinstance(raw_tenants, list):
        problems.append(Problem("tenants", "must be a list of tenant blocks"))
        raw_tenants = []
    for i, raw_tenant in enumerate(raw_tenants):
        tenant = section(Tenant, raw_tenant, "tenants", i)
        if tenant is not None:
            tenants[i] = tenant

    catalog = section(Catalog, raw.get("catalog", {}), "catalog")
    sharing = section(Sharing, raw.get("sharing", {}), "sharing")
    tags = raw.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        problems.append(Problem("tags", "must be a map of string keys to string values"))
        tags = {}

    problems.extend(
        run_checks(
            Parsed(
                environment=environment,
                project_dir=project_dir,
                entra_tenant_id=entra,
                registry=registry,
                tenants=tenants,
                catalog=catalog,
                sharing=sharing,
                raw_tenant_keys=tuple(_raw_key(t) for t in raw_tenants),
                raw_workspace_refs=_raw_workspace_refs(raw_tenants),
            )
        )
    )
    if problems:
        raise ConfigError(problems, source)
    return PlatformConfig(
        environment=environment,
        entra_tenant_id=entra,
        registry=registry,
        tenants=tuple(tenants[i] for i in sorted(tenants)),
        catalog=catalog,
        sharing=sharing,
        tags=tags,
    )


def _raw_key(block: Any) -> str | None:
    return block.get("key") if isinstance(block, dict) and isinstance(block.get("key"), str) else None


def _raw_workspace_refs(raw_tenants: list[Any]) -> frozenset[str]:
    """Workspace refs as written, so a broken tenant block does not also break every reference to it."""
    refs = set()
    for tenant in raw_tenants:
        key = _raw_key(tenant)
        workspaces = tenant.get("workspaces") if isinstance(tenant, dict) else None
        if key and isinstance(workspaces, list):
            refs.update(f"{key}/{w}" for w in map(_raw_key, workspaces) if w)
    return frozenset(refs)


def raw_from_stack_file(path: Path) -> dict[str, Any]:
    """The project's keys from a Pulumi.<stack>.yaml, without the namespace prefix."""
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ConfigError([Problem(str(path), f"is not valid YAML: {error}")], str(path)) from error
    config = document.get("config") or {}
    raw: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, name = key.partition(":")
        if namespace == NAMESPACE:
            raw[name] = value
    return raw


def load_stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> PlatformConfig:
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise ConfigError([Problem(str(path), "does not exist")], str(path))
    return parse_config(
        raw_from_stack_file(path), environment=stack, project_dir=project_dir, source=path.name
    )


def raw_from_pulumi_config() -> dict[str, Any]:
    """The project's keys as the Pulumi engine (or the mock engine) hands them to the program."""
    from pulumi.runtime.config import CONFIG, get_config_env

    raw: dict[str, Any] = {}
    for key, value in {**get_config_env(), **CONFIG.get()}.items():
        namespace, _, name = key.partition(":")
        if namespace != NAMESPACE:
            continue
        try:
            raw[name] = json.loads(value) if isinstance(value, str) else value
        except json.JSONDecodeError:
            raw[name] = value
    return raw


def load_from_pulumi() -> PlatformConfig:
    import pulumi

    stack = pulumi.get_stack()
    return parse_config(raw_from_pulumi_config(), environment=stack, source=f"config of stack '{stack}'")


def pulumi_config_values(raw: Mapping[str, Any]) -> dict[str, str]:
    """Raw config as the engine passes it: namespaced keys, objects as JSON strings."""
    return {
        f"{NAMESPACE}:{key}": value if isinstance(value, str) else json.dumps(value)
        for key, value in raw.items()
    }
