"""out/<stack>/template.json: the desired state as the ARM bodies azure-native sends."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from preview.command import run_preview
from preview.template import SHAPES, UnmappedType, template
from stacks.load import PROJECT_DIR

CHECKOV = PROJECT_DIR / "tools" / "checkov"


def sdk_api_version(type_token: str) -> str:
    """The API version the installed azure-native uses for a type, from its generated module."""
    _, module, name = type_token.split(":")
    cls = getattr(importlib.import_module(f"pulumi_azure_native.{module}"), name)
    found = re.search(r"Uses Azure REST API version ([0-9a-z-]+)", Path(inspect.getsourcefile(cls)).read_text())
    assert found, type_token
    return found.group(1)


@pytest.mark.parametrize("type_token", sorted(SHAPES))
def test_api_versions_are_the_installed_sdks(type_token):
    assert SHAPES[type_token].api_version == sdk_api_version(type_token)


@pytest.fixture(scope="module")
def prod_template(prod_graph):
    return template(prod_graph.resources, "prod")


def bodies(document, arm_type):
    return [r for r in document["resources"] if r["type"] == arm_type]


def test_every_registered_azure_resource_is_exported(prod_graph, dev_graph, prod_template):
    for graph in (prod_graph, dev_graph):
        exported = template(graph.resources, graph.stack)["resources"]
        assert len(exported) == len([r for r in graph.azure if r.custom])
    assert prod_template["$schema"].endswith("deploymentTemplate.json#")


def test_an_unmapped_type_is_refused(prod_graph):
    import dataclasses

    odd = dataclasses.replace(prod_graph.resources[-1], type="azure-native:cache:Redis")
    with pytest.raises(UnmappedType, match="azure-native:cache:Redis has no ARM shape"):
        template([odd], "prod")


def test_storage_account_body_uses_wire_names(prod_template):
    (account, _) = bodies(prod_template, "Microsoft.Storage/storageAccounts")
    assert account["apiVersion"] == "2024-01-01"
    assert account["sku"] == {"name": "Standard_ZRS"} and account["kind"] == "StorageV2"
    props = account["properties"]
    assert props["supportsHttpsTrafficOnly"] is True
    assert props["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    assert "enableHttpsTrafficOnly" not in props and "networkRuleSet" not in props
    assert "accountName" not in props and "resourceGroupName" not in props  # path parameters


def test_top_level_and_properties_follow_each_types_body(prod_template):
    (law, *_) = bodies(prod_template, "Microsoft.OperationalInsights/workspaces")
    assert "sku" not in law and law["properties"]["sku"] == {"name": "PerGB2018"}
    appi = bodies(prod_template, "Microsoft.Insights/components")[0]
    assert appi["kind"] == "web"
    assert appi["properties"]["Application_Type"] == "web"
    assert appi["properties"]["WorkspaceResourceId"].endswith("/workspaces/log-tenant1-ws1-prod")
    assert appi["properties"]["DisableLocalAuth"] is True
    vault = bodies(prod_template, "Microsoft.KeyVault/vaults")[0]
    assert vault["properties"]["enablePurgeProtection"] is True and "properties" not in vault["properties"]
    compute = bodies(prod_template, "Microsoft.MachineLearningServices/workspaces/computes")[0]
    assert compute["name"] == "mlw-tenant1-ws1-prod/cpu-cluster"
    assert compute["properties"]["properties"]["enableNodePublicIp"] is False
    blob = bodies(prod_template, "Microsoft.Storage/storageAccounts/blobServices")[0]
    assert blob["name"].endswith("/default")
    assert blob["properties"]["deleteRetentionPolicy"] == {"enabled": True, "days": 30}


def test_sub_resources_nest_their_properties(prod_template):
    endpoint = next(e for e in bodies(prod_template, "Microsoft.Network/privateEndpoints")
                    if e["name"] == "pe-mlreg-prod-amlregistry")
    (connection,) = endpoint["properties"]["privateLinkServiceConnections"]
    assert connection["name"] == "pe-mlreg-prod-amlregistry"
    assert connection["properties"]["groupIds"] == ["amlregistry"]
    assert connection["properties"]["privateLinkServiceId"].endswith("/registries/mlreg-prod")
    group = next(g for g in bodies(prod_template, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups")
                 if g["name"] == "pe-mlreg-prod-amlregistry/default")
    assert group["properties"]["privateDnsZoneConfigs"][0]["properties"]["privateDnsZoneId"].endswith(
        "/privateDnsZones/privatelink.api.azureml.ms"
    )


def test_extension_resources_carry_their_scope(prod_template):
    setting = next(s for s in bodies(prod_template, "Microsoft.Insights/diagnosticSettings")
                   if s["scope"].endswith("/registries/mlreg-prod"))
    assert setting["name"] == "audit-to-log-mlreg-prod"
    assert "resourceUri" not in setting["properties"]
    assignment = bodies(prod_template, "Microsoft.Authorization/roleAssignments")[0]
    assert assignment["scope"].startswith("/subscriptions/")
    assert set(assignment["properties"]) >= {"roleDefinitionId", "principalId", "principalType"}


def test_preview_writes_a_stable_template(tmp_path):
    for out in (tmp_path / "a", tmp_path / "b"):
        assert run_preview("prod", project_dir=PROJECT_DIR, out=out).exit_code == 0
    first, second = ((tmp_path / d / "prod" / "template.json").read_text() for d in ("a", "b"))
    assert first == second
    assert json.loads(first)["metadata"] == {"generator": "ml-tenancy preview", "stack": "prod"}


def test_every_skipped_checkov_check_carries_its_reason():
    skips = json.loads((CHECKOV / "skips.json").read_text())
    assert skips and all(re.fullmatch(r"CKV2?_AZURE_\d+", s["id"]) and len(s["reason"]) > 80 for s in skips)
    assert (CHECKOV / "uv.lock").is_file()
    assert '"checkov==' in (CHECKOV / "pyproject.toml").read_text()


def test_checkov_finds_no_failure_outside_the_skip_list(tmp_path, prod_template):
    """Checkov runs in its own pinned environment (tools/checkov), as CI runs it."""
    path = tmp_path / "template.json"
    path.write_text(json.dumps(prod_template))
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in UV
    assert uv, "uv runs the tests (python3 -m uv run pytest) and Checkov's environment"
    done = subprocess.run(
        [uv, "run", "--frozen", "--project", str(CHECKOV), "python",
         str(CHECKOV / "scan.py"), str(path)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    summary = done.stdout.splitlines()[0] if done.stdout else done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(r"checkov: \d+ passed, 0 failed, \d+ skipped \(skips.json\)", summary), summary
