"""The replace table, the options the components set from it, and the reviews of the three changes
`pulumi up` must not do silently: a primary-region change, a tenant removal, a workspace key rename."""

from __future__ import annotations

import copy
import inspect
import shutil
from pathlib import Path

import pulumi_azure_native
import pytest
import yaml
from typer.testing import CliRunner

from preview.cli import app
from preview.diff import REPLACE, UPDATE, change_set
from preview.replacements import REPLACE_RULES, replacing_inputs
from stacks.exit_codes import ExitCode
from stacks.load import PROJECT_DIR

runner = CliRunner()


def _input_names(type_: str) -> set[str]:
    """Input names of an azure-native class, camelCase as the engine sees them."""
    _, module, name = type_.split(":")
    cls = getattr(getattr(pulumi_azure_native, module), name)
    params = inspect.signature(cls._internal_init).parameters
    return {"".join([p.split("_")[0], *(w.title() for w in p.split("_")[1:])]).rstrip("_")
            for p in params if p not in ("self", "resource_name", "opts", "__props__")}


def test_the_table_covers_every_azure_type_the_program_registers(dev_graph, prod_graph):
    types = {r.type for g in (dev_graph, prod_graph) for r in g.azure}
    assert types <= REPLACE_RULES.keys(), types - REPLACE_RULES.keys()


@pytest.mark.parametrize("type_", sorted(REPLACE_RULES))
def test_every_replacing_input_is_an_input_of_its_type(type_):
    rule = REPLACE_RULES[type_]
    assert rule.replacing_inputs <= _input_names(type_), rule.replacing_inputs - _input_names(type_)
    # Tracked resources (those with a location) replace on a new location; proxy resources have none.
    assert ("location" in rule.create_only) == ("location" in _input_names(type_))


def test_named_resources_are_deleted_before_they_are_replaced(dev_graph):
    for resource in dev_graph.azure:
        assert resource.delete_before_replace, (resource.type, resource.name)
    components = [r for r in dev_graph.resources if not r.custom]
    assert components and not any(r.delete_before_replace for r in components)


def test_update_versus_replace_on_hand_made_documents():
    def doc(**inputs):
        entry = {"type": "azure-native:storage:StorageAccount", "name": "st", "parent": None,
                 "subscription": "s", "id": "i", "protect": True, "deleteBeforeReplace": True,
                 "inputs": {"accountName": "st1", "location": "westeurope", "sku": {"name": "Standard_LRS"},
                            **inputs}}
        return {"resources": [entry], "roleAssignments": []}

    sku = change_set(doc(), doc(sku={"name": "Standard_ZRS"})).resources_changed[0]
    assert (sku.action, sku.replaced_by, sku.refused) == (UPDATE, (), False)
    assert [(v.field, v.before, v.after) for v in sku.values] == [
        ("sku", {"name": "Standard_LRS"}, {"name": "Standard_ZRS"})]
    moved = change_set(doc(), doc(location="northeurope")).resources_changed[0]
    assert (moved.action, moved.replaced_by, moved.refused) == (REPLACE, ("location",), True)
    assert replacing_inputs("azure-native:authorization:RoleAssignment", ["principalId", "description"]) == (
        "principalId",)


def _project(tmp_path: Path, name: str, mutate) -> Path:
    document = yaml.safe_load((PROJECT_DIR / "Pulumi.dev.yaml").read_text())
    mutate(document["config"])
    root = tmp_path / name
    shutil.copytree(PROJECT_DIR / "catalog", root / "catalog")
    (root / "Pulumi.dev.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return root


def _drop_refs(config: dict, old: str, new: str | None = None) -> None:
    sharing = config["ml-tenancy:sharing"]
    for flow, key in (("push", "to"), ("pull", "into")):
        for entry in sharing.get(flow, []):
            entry[key] = [new if r == old else r for r in entry[key] if new or r != old]
        sharing[flow] = [e for e in sharing.get(flow, []) if e[key]]


def primary_region(config):
    config["ml-tenancy:registry"].update(primaryRegion="northeurope", additionalRegions=["westeurope", "eastus"])


def tenant_removal(config):
    config["ml-tenancy:tenants"].pop(1)
    _drop_refs(config, "tenant2/ws1")


def key_rename(config):
    config["ml-tenancy:tenants"][1]["workspaces"][0]["key"] = "main"
    _drop_refs(config, "tenant2/ws1", "tenant2/main")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("baseline")
    assert runner.invoke(app, ["preview", "-s", "dev", "-q", "--out", str(out)]).exit_code == 0
    return out / "dev" / "preview.json"


@pytest.mark.parametrize(
    ("change", "first_refusal", "top"),
    [
        (primary_region, "replace of azure-native:machinelearningservices:Registry mlreg-dev",
         "- replace `azure-native:machinelearningservices:Registry` `mlreg-dev`: protected, and location forces"),
        (tenant_removal, "delete of azure-native:keyvault:Vault tenant2-ws1-kv",
         "- delete `azure-native:machinelearningservices:Workspace` `tenant2-ws1`: protected: removed from the"),
        (key_rename, "delete of azure-native:keyvault:Vault tenant2-ws1-kv",
         "- delete `azure-native:machinelearningservices:Workspace` `tenant2-ws1`: protected: renamed to "
         "tenant2-main"),
    ],
    ids=["primary-region", "tenant-removal", "workspace-key-rename"],
)
def test_protected_changes_lead_the_review_and_exit_3(tmp_path, baseline, change, first_refusal, top):
    root = _project(tmp_path, change.__name__, change)
    out = tmp_path / "out"
    result = runner.invoke(app, ["preview", "-s", "dev", "-q", "--project-dir", str(root), "--out", str(out),
                                 "--against", str(baseline)])
    assert result.exit_code == ExitCode.PROTECTED, (result.stdout, result.stderr)
    assert result.stderr.splitlines()[0] == f"pulumi up will refuse this: {first_refusal}" or \
        f"pulumi up will refuse this: {first_refusal}" in result.stderr
    assert result.stdout.startswith("protected change (exit 3)")
    review = (out / "dev" / "review.md").read_text()
    head = review.split("### Changes since the baseline")[0]
    assert "Verdict: **protected change** (exit code 3)." in head
    assert "**pulumi up will refuse this**" in head
    assert top in head


def test_a_key_rename_is_a_replace_not_unrelated_adds_and_removes(tmp_path, baseline):
    import json

    root = _project(tmp_path, "rename", key_rename)
    out = tmp_path / "out"
    runner.invoke(app, ["preview", "-s", "dev", "-q", "--project-dir", str(root), "--out", str(out)])
    changes = change_set(json.loads(baseline.read_text()), json.loads((out / "dev" / "preview.json").read_text()))
    renamed = {(r.old.name, r.new.name) for r in changes.resources_renamed}
    assert ("tenant2-ws1", "tenant2-main") in renamed and ("tenant2-ws1-st", "tenant2-main-st") in renamed
    # The workspace component and its eight resources, its safeguards component, blob recovery settings
    # and four diagnostic settings.
    assert len(changes.resources_renamed) == 15
    assert not any(r.name.startswith("tenant2-") for r in (*changes.resources_added, *changes.resources_removed)
                   if r.type != "azure-native:authorization:RoleAssignment")


def test_same_config_twice_is_clean(tmp_path, baseline):
    doc = copy.deepcopy(baseline.read_text())
    assert change_set(yaml.safe_load(doc), yaml.safe_load(doc)).is_empty
