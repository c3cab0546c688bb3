"""Catalog loading: SDK validation, environment references rewritten to registry URIs, fingerprints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from postdeploy.catalog import CONTENT_FINGERPRINT_TAG, CatalogError, environment_uri, load_catalog
from postdeploy.targets import RegistrySite
from stacks.load import load_stack_file
from stacks.model import PlatformConfig
from tests.postdeploy.conftest import FIXTURES

REGISTRY = RegistrySite("mlreg-test", "sub", "rg")


@pytest.mark.parametrize(("ref", "uri"), [
    ("azureml:base-env:1", "azureml://registries/mlreg-test/environments/base-env/versions/1"),
    ("base-env:3", "azureml://registries/mlreg-test/environments/base-env/versions/3"),
    ("azureml:base-env@latest", "azureml://registries/mlreg-test/environments/base-env/versions/1"),
    ("base-env", "azureml://registries/mlreg-test/environments/base-env/versions/1"),
    ("azureml://registries/other/environments/e/versions/7", "azureml://registries/other/environments/e/versions/7"),
])
def test_component_environment_references_become_registry_uris(ref: str, uri: str) -> None:
    assert environment_uri(ref, REGISTRY, {"base-env": "1"}, "x.yml") == uri


@pytest.mark.parametrize("ref", [
    "azureml:unknown-env@latest",
    "azureml:base-env@default",
    "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/environments/e/versions/1",
])
def test_references_a_registry_component_cannot_use_are_rejected(ref: str) -> None:
    with pytest.raises(CatalogError, match=r"x\.yml"):
        environment_uri(ref, REGISTRY, {"base-env": "1"}, "x.yml")


def test_catalog_entities_carry_the_registry_uri_and_a_stable_fingerprint(cfg: PlatformConfig) -> None:
    catalog = load_catalog(cfg, REGISTRY, FIXTURES)
    (env,) = catalog.environments
    train, score = catalog.components
    assert (env.name, env.version, env.kind) == ("base-env", "1", "environments")
    assert train.requires == score.requires == ("registry:environments/base-env/1",)
    entity = score.entity()
    assert entity.environment == "azureml://registries/mlreg-test/environments/base-env/versions/1"
    assert entity.tags[CONTENT_FINGERPRINT_TAG] == score.fingerprint
    assert load_catalog(cfg, REGISTRY, FIXTURES) == catalog  # same files, same fingerprints
    assert env.fingerprint != train.fingerprint


def copy_of_fixtures(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES, project)
    return project


def test_the_fingerprint_follows_the_content_of_referenced_files(tmp_path: Path, cfg: PlatformConfig) -> None:
    project = copy_of_fixtures(tmp_path)
    before = load_catalog(cfg, REGISTRY, project).environments[0].fingerprint
    conda = project / "catalog/environments/base-conda.yml"
    conda.write_text(conda.read_text().replace("1.5.2", "1.6.0"))
    assert load_catalog(cfg, REGISTRY, project).environments[0].fingerprint != before


def test_a_catalog_file_the_sdk_rejects_or_without_a_version_fails_with_its_path(tmp_path: Path) -> None:
    project = copy_of_fixtures(tmp_path)
    train = project / "catalog/components/train.yml"
    train.write_text(train.read_text().replace('version: "1"\n', ""))
    with pytest.raises(CatalogError, match=r"catalog/components/train\.yml: give the component an explicit version"):
        load_catalog(load_stack_file("test", project), REGISTRY, project)
    train.write_text(train.read_text().replace("name: train_model", "name: train-model"))
    with pytest.raises(CatalogError, match=r"(?s)train\.yml: .*should only contain lower letter"):
        load_catalog(load_stack_file("test", project), REGISTRY, project)


def test_the_dev_catalog_loads_with_registry_environment_uris() -> None:
    cfg = load_stack_file("dev")
    catalog = load_catalog(cfg, RegistrySite(cfg.registry.name, "s", "g"), FIXTURES.parents[2])
    assert catalog.components
    for component in catalog.components:
        assert component.entity().environment.startswith(f"azureml://registries/{cfg.registry.name}/environments/")
