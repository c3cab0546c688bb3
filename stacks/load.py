"""Turn raw stack config (Pulumi config or a Pulumi.<stack>.yaml file) into a PlatformConfig."""

from __future__ import annotations

import difflib
import functools
import json
import re
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import TypeAdapter, ValidationError

from stacks.checks import Parsed, run_checks
from stacks.errors import (
    ConfigError,
    Problem,
    describe,
    did_you_mean,
    join_path,
    problems_from_validation,
    show,
    suggest,
)
from stacks.fields import GUID_ALLOWED, TENANT_KEY, WORKSPACE_KEY, ConfigModel, Guid
from stacks.model import Catalog, PlatformConfig, Registry, Sharing, Tenant

NAMESPACE = "ml-tenancy"
PROJECT_DIR = Path(__file__).resolve().parent.parent
TOP_LEVEL_KEYS = ("entraTenantId", "environment", "registry", "tenants", "catalog", "sharing", "tags")
_ENVIRONMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}")
ENVIRONMENT_ALLOWED = "1-20 letters, digits, '-' or '_', starting with a letter or digit"
# Azure tag names may not contain these; values are at most 256 characters.
_TAG_NAME_FORBIDDEN = set("<>%&\\?/")


def parse_config(
    raw: Mapping[str, Any],
    *,
    environment: str,
    project_dir: Path = PROJECT_DIR,
    source: str = "stack config",
) -> PlatformConfig:
    """Validate every block, collect every problem, and raise them together."""
    problems: list[Problem] = []

    if not isinstance(raw, Mapping):
        raise ConfigError([Problem("config", f"must be a map of config keys; got {show(raw)}")], source)
    for key in raw:
        problems.extend(_unknown_top_level_key(str(key)))
    environment, environment_problems = _environment(raw, environment)
    problems.extend(environment_problems)

    def section(model: type[ConfigModel], value: Any, *path: str | int) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as error:
            problems.extend(problems_from_validation(error, model, path))
            return salvage(model, value)

    entra = None
    if "entraTenantId" not in raw:
        problems.append(Problem("entraTenantId", f"is required: the Entra tenant of the registry, {GUID_ALLOWED}"))
    else:
        try:
            entra = TypeAdapter(Guid).validate_python(raw["entraTenantId"])
        except ValidationError as error:
            problems.append(Problem("entraTenantId", error.errors()[0]["msg"].removeprefix("Value error, ")))

    registry = None
    if "registry" not in raw:
        problems.append(Problem("registry", f"is required: the central registry, {describe(Registry)}"))
    else:
        registry = section(Registry, raw["registry"], "registry")

    raw_tenants = raw.get("tenants", [])
    tenants: dict[int, Tenant] = {}
    opaque: set[str | None] = set()
    if not isinstance(raw_tenants, list):
        problems.append(Problem("tenants", _tenants_not_a_list(raw_tenants)))
        raw_tenants = []
        opaque.add(None)
    for i, raw_tenant in enumerate(raw_tenants):
        key = _raw_key(raw_tenant)
        if key is not None and not TENANT_KEY.fullmatch(key):
            opaque.add(None)  # references to the key as it should be written are not "missing"
        elif key is None or not _readable_workspaces(raw_tenant.get("workspaces")):
            opaque.add(key)
        tenant = section(Tenant, raw_tenant, "tenants", i)
        if tenant is not None:
            tenants[i] = tenant

    catalog = section(Catalog, raw.get("catalog", {}), "catalog")
    sharing = section(Sharing, raw.get("sharing", {}), "sharing")
    tags, problem = _tags(raw.get("tags", {}))
    problems.extend(problem)

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
                opaque_tenants=frozenset(opaque),
                environment_valid=not environment_problems,
            )
        )
    )
    if problems:
        raise ConfigError(sorted(problems, key=_reading_order), source)
    return PlatformConfig(
        environment=environment,
        entra_tenant_id=entra,
        registry=registry,
        tenants=tuple(tenants[i] for i in sorted(tenants)),
        catalog=catalog,
        sharing=sharing,
        tags=tags,
    )


M = TypeVar("M", bound=ConfigModel)


def salvage(model: type[M], raw: Any) -> M | None:
    """What can still be read of a block that failed validation, for the cross-block checks.

    Keys that are valid on their own keep their value; nested blocks and lists are salvaged item
    by item (an unreadable item becomes None, so the items keep their config index); every other
    invalid or missing required key becomes None. Model validators do not run. Never returned
    to callers: the config is already known to be invalid.
    """
    if not isinstance(raw, Mapping):
        return None
    values: dict[str, Any] = {}
    invalid: set[str] = set()
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in raw and name not in raw:
            required = info.is_required()
            values[name] = _salvage_value(info.annotation, None) if required else info.get_default(
                call_default_factory=True
            )
            continue
        value = raw[key] if key in raw else raw[name]
        try:
            field_type = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            values[name] = _adapter(field_type).validate_python(value)
        except ValidationError:
            values[name] = _salvage_value(info.annotation, value)
            invalid.add(name)
    known = {f.alias or n for n, f in model.model_fields.items()} | set(model.model_fields)
    invalid.update(str(k) for k in raw if k not in known)  # a misspelt key: its value is unknown
    block = model.model_construct(**values)
    block._invalid_fields = frozenset(invalid)
    return block


def _salvage_value(annotation: Any, value: Any) -> Any:
    while get_origin(annotation) is Annotated or (
        get_origin(annotation) in (Union, types.UnionType) and len(get_args(annotation)) == 2
        and type(None) in get_args(annotation)
    ):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, ConfigModel):
        return salvage(annotation, value)
    if get_origin(annotation) is tuple and isinstance(value, list):
        item = get_args(annotation)[0]
        return tuple(_salvage_item(item, v) for v in value)
    if get_origin(annotation) is tuple:
        return ()
    return None


def _salvage_item(annotation: Any, value: Any) -> Any:
    try:
        return _adapter(annotation).validate_python(value)
    except ValidationError:
        return _salvage_value(annotation, value)


@functools.cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _reading_order(problem: Problem) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    """Problems grouped by config section in the contract's order, list items by index."""
    parts = re.findall(r"\[(\d+)\]|([^.\[\]]+)", problem.path)
    section = parts[0][1] if parts else ""
    rank = TOP_LEVEL_KEYS.index(section) if section in TOP_LEVEL_KEYS else -1
    return rank, tuple((0, int(index)) if index else (1, name) for index, name in parts)


def _unknown_top_level_key(key: str) -> list[Problem]:
    if key in TOP_LEVEL_KEYS:
        return []
    _, colon, name = key.rpartition(":")
    if colon:
        # Only kept by the readers when the namespace looks like a misspelling of this project's.
        return [
            Problem(
                key,
                f"is not in this project's namespace '{NAMESPACE}', so it would be ignored; "
                f"write it as '{NAMESPACE}:{suggest(name, TOP_LEVEL_KEYS) or name}'",
            )
        ]
    return [
        Problem(
            f"{NAMESPACE}:{key}",
            f"unknown config key{did_you_mean(key, TOP_LEVEL_KEYS)}; allowed: {', '.join(TOP_LEVEL_KEYS)}",
        )
    ]


def _environment(raw: Mapping[str, Any], stack: str) -> tuple[str, list[Problem]]:
    given = "environment" in raw
    value = raw["environment"] if given else stack
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # Pulumi hands `environment: 2025` over as a number
    if isinstance(value, str) and _ENVIRONMENT.fullmatch(value):
        return value, []
    where = "" if given else f" (taken from the stack name; set {NAMESPACE}:environment to choose one)"
    problem = Problem(
        "environment", f"{value!r} is not a valid environment name{where}; allowed: {ENVIRONMENT_ALLOWED}"
    )
    return (value if isinstance(value, str) else str(value)), [problem]


def _tenants_not_a_list(value: Any) -> str:
    if isinstance(value, dict):
        return (
            f"must be a list of tenant blocks, each starting with '- key: <tenant key>'; got {show(value)} "
            "(write the tenant key as the block's key: entry instead)"
        )
    return f"must be a list of tenant blocks, each starting with '- key: <tenant key>'; got {show(value)}" + (
        " (write [] for no tenants)" if value is None else ""
    )


def _tags(value: Any) -> tuple[dict[str, str], list[Problem]]:
    if not isinstance(value, dict):
        return {}, [Problem("tags", f"must be a map of tag names to values; got {show(value)}")]
    tags: dict[str, str] = {}
    problems: list[Problem] = []
    for name, tag in value.items():
        path = join_path("tags", str(name))
        if not isinstance(name, str) or not 1 <= len(name) <= 512 or _TAG_NAME_FORBIDDEN & set(name):
            problems.append(
                Problem(path, f"{name!r} is not a valid tag name; allowed: 1-512 characters except < > % & \\ ? /")
            )
        elif isinstance(tag, bool) or not isinstance(tag, str | int | float):
            problems.append(Problem(path, f"must be a string (or a number); got {show(tag)}"))
        elif len(str(tag)) > 256:
            problems.append(Problem(path, f"is {len(str(tag))} characters long; allowed: at most 256"))
        else:
            tags[name] = str(tag)
    return tags, problems


def _readable_workspaces(workspaces: Any) -> bool:
    """Whether every workspace key of a tenant is written well enough to check references against."""
    if not isinstance(workspaces, list) or not workspaces:
        return False
    keys = [_raw_key(w) for w in workspaces]
    return all(k is not None and WORKSPACE_KEY.fullmatch(k) for k in keys)


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
    config = document.get("config") if isinstance(document, dict) else None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise ConfigError([Problem(f"{path.name}: config", f"must be a map of config keys; got {show(config)}")],
                          str(path))
    return _project_keys(config.items())


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
    for key, value in _project_keys({**get_config_env(), **CONFIG.get()}.items()).items():
        try:
            raw[key] = json.loads(value) if isinstance(value, str) else value
        except json.JSONDecodeError:
            raw[key] = value
    return raw


def _project_keys(items: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """This project's keys without the namespace; keys in a namespace that misspells it stay whole,
    so parse_config can point at them instead of silently ignoring them."""
    raw: dict[str, Any] = {}
    for key, value in items:
        namespace, _, name = str(key).partition(":")
        if namespace == NAMESPACE:
            raw[name] = value
        elif name in TOP_LEVEL_KEYS and _misspells_namespace(namespace):
            raw[str(key)] = value
    return raw


def _misspells_namespace(namespace: str) -> bool:
    return difflib.SequenceMatcher(None, namespace.lower(), NAMESPACE).ratio() >= 0.75


def load_from_pulumi() -> PlatformConfig:
    import pulumi

    stack = pulumi.get_stack()
    config = parse_config(raw_from_pulumi_config(), environment=stack, source=f"config of stack '{stack}'")
    check_retraining_jobs(config)
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


def pulumi_config_values(raw: Mapping[str, Any]) -> dict[str, str]:
    """Raw config as the engine passes it: namespaced keys, objects as JSON strings."""
    return {
        f"{NAMESPACE}:{key}": value if isinstance(value, str) else json.dumps(value)
        for key, value in raw.items()
    }
