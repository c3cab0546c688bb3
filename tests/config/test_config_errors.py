"""How config problems are collected and reported, and what the loader accepts on purpose."""

from __future__ import annotations

import contextvars
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime.config import set_all_config

from program.config import raw_from_pulumi_config
from stacks.errors import ConfigError, Problem, join_path
from stacks.load import (
    load_stack_file,
    parse_config,
    pulumi_config_values,
    raw_from_stack_file,
)
from tests.config.helpers import (
    GROUP_1,
    OTHER_ENTRA,
    SUB_A,
    append,
    drop,
    edited,
    parse,
    problems_of,
    set_,
    valid_raw,
)


def test_the_valid_config_parses_into_frozen_typed_blocks(project_dir):
    config = parse(valid_raw(), project_dir)

    assert config.environment == "dev"
    assert config.registry.regions == ("westeurope", "northeurope")
    assert [t.key for t in config.tenants] == ["tenant1", "tenant2"]
    assert config.tenants[0].members[0].roles == ("dataScientist", "registryUser")
    assert config.sharing.push[0].endpoint.instance_type == "Standard_DS3_v2"
    with pytest.raises(ValueError):
        config.registry.name = "other"  # type: ignore[misc]


# --- accepted on purpose -----------------------------------------------------------------------


@pytest.mark.parametrize("written", ["1", 1], ids=["quoted", "number"])
def test_versions_are_accepted_quoted_or_as_whole_numbers(written, project_dir):
    config = parse(edited(set_("sharing.share[0].version", written), set_("sharing.pull[0].version", written)),
                   project_dir)
    assert config.sharing.share[0].version == "1"
    assert config.sharing.pull[0].version == "1"


def test_empty_owner_access_means_no_owner_access(project_dir):
    config = parse(edited(set_("tenants[0].ownerAccess", [])), project_dir)
    assert config.tenants[0].owner_access == ()


def test_owner_access_defaults_to_subscription_and_workspace(project_dir):
    config = parse(edited(drop("tenants[0].ownerAccess")), project_dir)
    assert config.tenants[0].owner_access == ("subscription", "workspace")


def test_guids_are_normalised_so_the_same_tenant_in_capitals_is_the_same_tenant(project_dir):
    raw = edited(set_("tenants[0].entraTenantId", valid_raw()["entraTenantId"].upper()),
                 set_("tenants[0].members[0].objectId", GROUP_1.upper()))
    config = parse(raw, project_dir)
    assert config.tenants[0].entra_tenant_id == config.entra_tenant_id
    assert config.tenants[0].members[0].object_id == GROUP_1


def test_numeric_tag_values_become_strings(project_dir):
    config = parse(edited(set_("tags", {"costCenter": 4711, "owner": "ml-platform"})), project_dir)
    assert config.tags == {"costCenter": "4711", "owner": "ml-platform"}


def test_an_environment_handed_over_as_a_number_is_used_as_text(project_dir):
    assert parse(edited(set_("environment", 2025)), project_dir).environment == "2025"


def test_a_platform_without_tenants_yet_is_valid(project_dir):
    config = parse(edited(drop("tenants"), drop("sharing")), project_dir)
    assert config.tenants == ()


# --- every problem at once ---------------------------------------------------------------------

MANY_MISTAKES = (
    set_("entraTenantId", "not-a-guid"),
    set_("registry.name", "ml"),
    set_("registry.owner.type", "user"),
    set_("tenants[0].workspaces[0].region", "brazilsouth"),
    set_("tenants[0].members[1].roles", ["owner"]),
    set_("tenants[1].workspaces[0].compute", {"minNodes": 3, "maxNodes": 1}),
    set_("catalog.components", ["catalog/components/missing.yml"]),
    set_("sharing.push[0].endpoint.kind", "batch"),
    set_("sharing.pull[0].into", ["tenant2/ws9"]),
    set_("tagz", {}),
)
MANY_PATHS = {
    "entraTenantId",
    "registry.name",
    "registry.owner.type",
    "tenants[0].workspaces[0].region",
    "tenants[0].members[1].roles[0]",
    "tenants[1].workspaces[0].compute.minNodes",
    "catalog.components[0]",
    "sharing.push[0].endpoint.instanceType",
    "sharing.pull[0].into[0]",
    "ml-tenancy:tagz",
}


def test_a_config_with_many_problems_lists_all_of_them(project_dir):
    problems = problems_of(edited(*MANY_MISTAKES), project_dir)

    assert len(problems) == len(MANY_MISTAKES)
    assert {p.path for p in problems} == MANY_PATHS


def test_the_message_starts_with_the_source_and_the_count_then_one_line_per_problem(project_dir):
    with pytest.raises(ConfigError) as caught:
        parse(edited(*MANY_MISTAKES), project_dir)

    first, *rest = str(caught.value).splitlines()
    assert first == f"invalid Pulumi.dev.yaml: {len(MANY_MISTAKES)} problem(s), nothing was created"
    assert rest == [f"  - {p.path}: {p.message}" for p in caught.value.problems]
    assert caught.value.source == "Pulumi.dev.yaml"


def test_a_broken_tenant_does_not_hide_problems_of_the_next_one(project_dir):
    problems = problems_of(
        edited(set_("tenants[0]", "tenant1"), set_("tenants[1].workspaces[0].region", "westeurop")), project_dir
    )
    assert [p.path for p in problems] == ["tenants[0]", "tenants[1].workspaces[0].region"]


def test_a_misspelt_registry_region_is_reported_once_not_for_every_workspace(project_dir):
    problems = problems_of(edited(set_("registry.primaryRegion", "westeurop")), project_dir)
    assert [p.path for p in problems] == ["registry.primaryRegion"]
    assert "did you mean 'westeurope'?" in problems[0].message


def test_a_workspace_outside_the_registry_regions_is_still_reported_when_the_registry_has_a_typo(project_dir):
    problems = problems_of(
        edited(set_("registry.primaryRegion", "westeurop"), set_("tenants[1].workspaces[0].region", "eastus")),
        project_dir,
    )
    assert [p.path for p in problems] == ["registry.primaryRegion", "tenants[1].workspaces[0].region"]


def test_a_tenant_in_another_entra_tenant_says_what_to_do(project_dir):
    (problem,) = problems_of(edited(set_("tenants[0].entraTenantId", OTHER_ENTRA)), project_dir)
    assert "registries cannot cross Entra tenants" in problem.message
    assert "needs a registry (a stack) of its own" in problem.message


def test_identical_problems_are_reported_once():
    error = ConfigError([Problem("registry.name", "x"), Problem("registry.name", "x")])
    assert error.problems == (Problem("registry.name", "x"),)


def test_config_error_is_a_pulumi_run_error_so_pulumi_prints_no_traceback():
    assert issubclass(ConfigError, pulumi.RunError)
    assert isinstance(ConfigError([Problem("registry", "is required")]), pulumi.RunError)


def test_join_path_writes_paths_as_the_messages_do():
    assert join_path("tenants", 2, "workspaces", 0, "region") == "tenants[2].workspaces[0].region"
    assert join_path("", "registry", "", "name") == "registry.name"


# --- reading stack files and Pulumi config -----------------------------------------------------


def _write_stack(project: Path, text: str) -> Path:
    path = project / "Pulumi.ci.yaml"
    path.write_text(text)
    return path


def test_a_missing_stack_file_is_a_config_error_naming_the_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_stack_file("staging", project_dir=tmp_path)
    assert caught.value.problems[0].path == str(tmp_path / "Pulumi.staging.yaml")
    assert caught.value.problems[0].message == "does not exist"


def test_a_stack_file_that_is_not_yaml_is_a_config_error(tmp_path):
    path = _write_stack(tmp_path, "config:\n  ml-tenancy:registry: {name: [\n")
    with pytest.raises(ConfigError) as caught:
        raw_from_stack_file(path)
    assert "is not valid YAML" in caught.value.problems[0].message


def test_a_stack_file_whose_config_is_a_list_is_a_config_error(tmp_path):
    path = _write_stack(tmp_path, "config:\n  - ml-tenancy:registry\n")
    with pytest.raises(ConfigError) as caught:
        raw_from_stack_file(path)
    assert caught.value.problems[0].message.startswith("must be a map of config keys; got a list")


def test_a_misspelt_namespace_is_pointed_at_instead_of_ignored(tmp_path, project_dir):
    path = _write_stack(tmp_path, "config:\n  azure-native:location: westeurope\n  ml_tenancy:tenants: []\n")
    raw = {**valid_raw(), **raw_from_stack_file(path)}
    (problem,) = problems_of(raw, project_dir)
    assert problem.path == "ml_tenancy:tenants"
    assert "write it as 'ml-tenancy:tenants'" in problem.message


def test_the_stack_file_and_the_pulumi_engine_hand_over_the_same_config(tmp_path, project_dir):
    import yaml

    raw = valid_raw()
    path = _write_stack(tmp_path, yaml.safe_dump({"config": {f"ml-tenancy:{k}": v for k, v in raw.items()}}))

    def from_engine():
        set_all_config(pulumi_config_values(raw))
        return raw_from_pulumi_config()

    # A copied context keeps the engine config of this test away from every other test.
    assert contextvars.copy_context().run(from_engine) == raw_from_stack_file(path) == raw


def test_parse_config_rejects_something_that_is_not_a_map(project_dir):
    with pytest.raises(ConfigError) as caught:
        parse_config(["registry"], environment="dev", project_dir=project_dir)  # type: ignore[arg-type]
    assert caught.value.problems == (Problem("config", "must be a map of config keys; got a list of 1 item(s)"),)


def test_an_invalid_stack_name_is_reported_as_the_environment(project_dir):
    (problem,) = problems_of(valid_raw(), project_dir, environment="dev/eu")
    assert problem.path == "environment"
    assert "taken from the stack name; set ml-tenancy:environment" in problem.message


def test_a_config_written_like_the_contract_with_a_new_tenant_is_valid(project_dir):
    raw = edited(
        append("tenants", {"key": "tenant3", "workspaces": [{"key": "ws1", "subscriptionId": SUB_A,
                                                             "region": "northeurope"}]}),
        append("sharing.pull", {"model": "credit-card-default", "version": 1, "into": ["tenant3/ws1"]}),
    )
    assert [t.key for t in parse(raw, project_dir).tenants] == ["tenant1", "tenant2", "tenant3"]
