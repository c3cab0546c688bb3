"""Where post-deploy acts: stack outputs first, names derived from config otherwise."""

from __future__ import annotations

import json
from pathlib import Path

from postdeploy.targets import derive_targets, read_outputs
from stacks.model import PlatformConfig
from tests.postdeploy.conftest import FIXTURES


def test_without_outputs_the_names_derived_from_config_are_used(cfg: PlatformConfig) -> None:
    targets = derive_targets(cfg)
    assert (targets.registry.name, targets.registry.resource_group) == ("mlreg-test", "rg-mlreg-test")
    site = targets.workspace("tenant3/ws1")
    assert (site.name, site.resource_group, site.region, site.compute) == (
        "mlw-tenant3-ws1-test", "rg-ml-tenant3-ws1-test", "westeurope", "cpu-cluster")


def test_stack_outputs_win_over_derived_names(cfg: PlatformConfig, tmp_path: Path, monkeypatch) -> None:
    outputs = {"registry": {"name": "mlreg-test", "subscriptionId": "s-reg", "resourceGroup": "rg-moved"},
               "workspaces": {"tenant2/ws1": {"name": "mlw-renamed", "resourceGroup": "rg-other",
                                              "subscriptionId": "s-2", "region": "northeurope", "compute": "gpu"}}}
    file = tmp_path / "outputs.json"
    file.write_text(json.dumps(outputs))
    monkeypatch.setenv("PATH", str(tmp_path))  # no pulumi CLI: the file is the only source
    raw, source = read_outputs("test", file, FIXTURES)
    targets = derive_targets(cfg, raw, source)
    assert targets.source == str(file)
    assert (targets.registry.subscription_id, targets.registry.resource_group) == ("s-reg", "rg-moved")
    assert targets.workspace("tenant2/ws1").name == "mlw-renamed"
    assert targets.workspace("tenant2/ws1").compute == "gpu"
    assert targets.workspace("tenant1/ws1").name == "mlw-tenant1-ws1-test"  # not in the outputs: derived
    assert read_outputs("test", None, FIXTURES) == ({}, "names derived from config (no pulumi CLI, no --outputs)")
