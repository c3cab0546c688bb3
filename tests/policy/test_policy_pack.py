"""The pack itself: its rules, its entry point, its requirements and its per-stack config.

Nothing here constructs ``PolicyPack`` in this process: that starts a server and blocks.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from policy.rules.tagging import TAGGABLE_TYPES, UNTAGGABLE_TYPES
from policy.ruleset import ALL, BY_NAME

PACK = Path(__file__).resolve().parents[2] / "policy"
ROOT = PACK.parent

# name: (default level, stack policy?)
EXPECTED = {
    "role-assignment-no-privileged-roles": ("mandatory", False),
    "role-assignment-allowed-roles": ("mandatory", False),
    "role-assignment-subscription-contributor": ("advisory", False),
    "role-assignment-principal-type": ("mandatory", False),
    "role-assignment-guid-name": ("mandatory", False),
    "role-assignment-no-duplicates": ("mandatory", True),
    "role-assignment-tenant-isolation": ("mandatory", True),
    "registry-covers-workspace-regions": ("mandatory", True),
    "registry-storage-no-public-blob-access": ("mandatory", False),
    "registry-public-network-access": ("advisory", False),
    "workspace-no-v1-legacy-mode": ("mandatory", False),
    "workspace-managed-identity": ("mandatory", False),
    "workspace-public-network-access": ("advisory", False),
    "workspace-own-container-registry": ("mandatory", True),
    "compute-local-auth-disabled": ("mandatory", False),
    "compute-scales-to-zero": ("advisory", False),
    "storage-minimum-tls-1-2": ("mandatory", False),
    "storage-https-only": ("mandatory", False),
    "storage-no-public-blob-access": ("mandatory", False),
    "storage-no-shared-key-access": ("advisory", False),
    "key-vault-soft-delete": ("mandatory", False),
    "key-vault-purge-protection": ("mandatory", False),
    "key-vault-rbac-authorization": ("mandatory", False),
    "container-registry-admin-disabled": ("mandatory", False),
    "app-insights-local-auth-disabled": ("advisory", False),
    "log-analytics-local-auth-disabled": ("advisory", False),
    "stateful-resources-protected": ("mandatory", False),
    "required-tags": ("advisory", False),
    # Advisory by default (dev is public), mandatory in prod.json.
    "storage-public-network-access": ("advisory", False),
    "key-vault-public-network-access": ("advisory", False),
    "container-registry-public-network-access": ("advisory", False),
    "log-analytics-public-network-access": ("advisory", False),
    "app-insights-public-network-access": ("advisory", False),
    "compute-no-node-public-ip": ("advisory", False),
    "workspace-managed-network-isolation": ("advisory", False),
    # They only look at private resources, or at what every stack keeps: mandatory everywhere.
    "private-endpoints-present": ("mandatory", True),
    "monitoring-private-link-scope": ("mandatory", True),
    "diagnostic-settings-present": ("mandatory", True),
    "storage-soft-delete": ("mandatory", True),
    "storage-no-cross-tenant-replication": ("mandatory", False),
    "compute-no-public-ssh": ("mandatory", False),
    "storage-blob-versioning": ("advisory", True),
    "private-dns-zones-resolve": ("mandatory", True),
}


def test_all_holds_every_rule_once_with_its_default_level():
    assert len(BY_NAME) == len(ALL)
    actual = {p.name: (p.enforcement_level.value, isinstance(p, StackValidationPolicy)) for p in ALL}
    assert actual == EXPECTED
    assert all(isinstance(p, ResourceValidationPolicy | StackValidationPolicy) for p in ALL)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.name) for p in ALL)


def test_main_only_builds_the_pack_from_all():
    tree = ast.parse((PACK / "__main__.py").read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert sorted(c.func.id for c in calls) == ["Path", "PolicyPack", "str"]
    pack = next(c for c in calls if c.func.id == "PolicyPack")
    assert {k.arg: k.value for k in pack.keywords}["policies"].id == "ALL"
    imports = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert ("policy.ruleset", "ALL") in imports
    # The pack is the module's last statement, after the project root went on sys.path.
    assert isinstance(tree.body[-1], ast.Expr) and tree.body[-1].value is pack
    assert "sys.path.insert(0" in ast.unparse(tree)


def test_nothing_else_in_the_pack_builds_a_policy_pack():
    for path in PACK.rglob("*.py"):
        if path.name != "__main__.py" and "venv" not in path.parts:
            assert "PolicyPack(" not in path.read_text(), path


def test_requirements_match_the_lock():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {p["name"]: p["version"] for p in lock["package"]}
    pins = dict(
        line.split("==")
        for line in (PACK / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert {"pulumi", "pulumi-policy"} <= pins.keys()
    assert pins == {name: locked[name] for name in pins}


def test_project_file_runs_python():
    project = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert re.fullmatch(r"\d+\.\d+\.\d+", project["version"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_config_names_real_rules_and_levels(stack):
    config = json.loads((PACK / "config" / f"{stack}.json").read_text())
    levels = {level.value for level in EnforcementLevel}
    for name, entry in config.items():
        assert name == "all" or name in BY_NAME, name
        level = entry["enforcementLevel"] if isinstance(entry, dict) else entry
        assert level in levels
        if name == "all":
            continue
        properties = set(entry) - {"enforcementLevel"} if isinstance(entry, dict) else set()
        schema = BY_NAME[name].config_schema
        assert properties <= set(schema.properties if schema else ()), name


def test_public_network_access_is_advisory_in_dev_and_mandatory_in_prod():
    dev = json.loads((PACK / "config" / "dev.json").read_text())
    prod = json.loads((PACK / "config" / "prod.json").read_text())
    for rule in ("registry-public-network-access", "workspace-public-network-access"):
        assert (dev[rule], prod[rule]) == ("advisory", "mandatory")


def test_platform_principals_are_the_stacks_registry_owners():
    for stack in ("dev", "prod"):
        config = json.loads((PACK / "config" / f"{stack}.json").read_text())
        owner = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]["ml-tenancy:registry"]["owner"]
        assert config["role-assignment-tenant-isolation"]["platformPrincipals"] == [owner["objectId"]]


def _takes_tags(resource_type: str) -> bool:
    _, module, name = resource_type.split(":")
    args = getattr(importlib.import_module(f"pulumi_azure_native.{module}"), f"{name}Args")
    return "tags" in inspect.signature(args.__init__).parameters


def test_tag_lists_agree_with_azure_native():
    assert all(_takes_tags(t) for t in TAGGABLE_TYPES)
    assert not any(_takes_tags(t) for t in UNTAGGABLE_TYPES)


def test_readme_lists_every_rule_with_its_level():
    readme = (PACK / "README.md").read_text()
    for name, (level, stack) in EXPECTED.items():
        assert f"| `{name}` | {level} | {'stack' if stack else 'resource'} |" in readme
