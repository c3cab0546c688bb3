"""Bad stack configs as a platform engineer would write them, one mistake each.

Every case names the exact config path the error must point at and a fragment of the message
that says what is allowed (or how to fix it). Unless a case says otherwise, the mistake must
produce exactly one problem: a single typo should not drown in follow-on complaints.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.config.helpers import (
    JARGON,
    OTHER_ENTRA,
    SUB_A,
    Edit,
    append,
    copy_to,
    drop,
    edited,
    problems_of,
    rename,
    set_,
    tenant,
)

WS = "tenants[0].workspaces[0]"
COMPUTE = f"{WS}.compute"
MEMBER = "tenants[0].members[0]"
PUSH = "sharing.push[0]"
ENDPOINT = f"{PUSH}.endpoint"


@dataclass(frozen=True)
class Case:
    id: str
    edits: tuple[Edit, ...]
    path: str
    fragment: str
    count: int = 1


def case(id: str, *edits: Edit, path: str, says: str, count: int = 1):
    return pytest.param(Case(id, edits, path, says, count), id=id)


CASES = [
    # --- GUIDs ---------------------------------------------------------------------------------
    case("registry-subscription-id-truncated", set_("registry.subscriptionId", "0b7e4c2d-1a3f-4e5b-8c6d"),
         path="registry.subscriptionId", says="is not a GUID; expected a GUID of the form xxxxxxxx-xxxx"),
    case("member-object-id-is-a-group-name", set_(f"{MEMBER}.objectId", "grp-tenant1-ds"),
         path=f"{MEMBER}.objectId", says="'grp-tenant1-ds' is not a GUID"),
    case("entra-tenant-id-is-a-domain", set_("entraTenantId", "contoso.onmicrosoft.com"),
         path="entraTenantId", says="expected a GUID of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
    case("owner-object-id-is-a-number", set_("registry.owner.objectId", 12345),
         path="registry.owner.objectId", says="12345 is not a GUID"),
    case("workspace-subscription-in-braces", set_(f"{WS}.subscriptionId", "{" + SUB_A + "}"),
         path=f"{WS}.subscriptionId", says="is not a GUID"),
    case("tenant-entra-tenant-id-empty", set_("tenants[0].entraTenantId", ""),
         path="tenants[0].entraTenantId", says="is empty; expected a GUID"),
    # --- unknown keys and typos, at every level ------------------------------------------------
    case("top-level-key-typo", set_("tennants", []),
         path="ml-tenancy:tennants", says="unknown config key (did you mean 'tenants'?)"),
    case("registry-key-typo", rename("registry.additionalRegions", "additionalRegion"),
         path="registry.additionalRegion", says="(did you mean 'additionalRegions'?); allowed keys: name,"),
    case("registry-owner-key-typo", rename("registry.owner.objectId", "objectid"),
         path="registry.owner.objectid", says="did you mean 'objectId'?", count=2),
    case("tenant-key-typo", rename("tenants[0].displayName", "displayname"),
         path="tenants[0].displayname", says="did you mean 'displayName'?"),
    case("tenant-workspace-singular", rename("tenants[1].workspaces", "workspace"),
         path="tenants[1].workspace", says="did you mean 'workspaces'?", count=2),
    case("workspace-key-typo", set_(f"{WS}.publicNetworkAcess", "Disabled"),
         path=f"{WS}.publicNetworkAcess", says="did you mean 'publicNetworkAccess'?"),
    case("compute-key-typo", set_(f"{COMPUTE}.maxNode", 8),
         path=f"{COMPUTE}.maxNode", says="(did you mean 'maxNodes'?); allowed keys: name, vmSize"),
    case("member-key-typo", set_(f"{MEMBER}.lable", "grp-ds"),
         path=f"{MEMBER}.lable", says="did you mean 'label'?"),
    case("share-entry-key-typo", rename("sharing.share[0].from", "form"),
         path="sharing.share[0].form", says="did you mean 'from'?", count=2),
    case("endpoint-key-typo", set_(f"{ENDPOINT}.instanceCounts", 2),
         path=f"{ENDPOINT}.instanceCounts", says="did you mean 'instanceCount'?"),
    case("sharing-section-typo", rename("sharing.pull", "pulls"),
         path="sharing.pulls", says="(did you mean 'pull'?); allowed keys: share, push, pull"),
    case("catalog-section-typo", rename("catalog.environments", "environment"),
         path="catalog.environment", says="did you mean 'environments'?"),
    # --- duplicates ----------------------------------------------------------------------------
    case("duplicate-tenant-key", copy_to("tenants[0]", "tenants"),
         path="tenants[2].key", says="tenant key 'tenant1' is already used by tenants[0]"),
    case("duplicate-workspace-key", copy_to(WS, "tenants[0].workspaces"),
         path="tenants[0].workspaces[1].key", says="workspace key 'ws1' is already used by workspaces[0]"),
    case("duplicate-member", copy_to(MEMBER, "tenants[0].members"),
         path="tenants[0].members[2].objectId", says="give one entry with all its roles"),
    case("duplicate-member-role", set_(f"{MEMBER}.roles", ["dataScientist", "dataScientist"]),
         path=f"{MEMBER}.roles[1]", says="'dataScientist' is already listed as roles[0]"),
    case("two-workspaces-one-name",
         append("tenants[0].workspaces", {"key": "ws2", "subscriptionId": SUB_A, "region": "westeurope",
                                          "name": "mlw-tenant1-ws1-dev",
                                          "resourceGroup": "rg-ml-tenant1-ws1-dev"}),
         path="tenants[0].workspaces[1].name", says="is already used by tenants[0].workspaces[0]"),
    # --- registry names ------------------------------------------------------------------------
    case("registry-name-too-short", set_("registry.name", "ml"),
         path="registry.name", says="'ml' is 2 characters long; allowed 3-32"),
    case("registry-name-too-long", set_("registry.name", "mlreg-" + "x" * 27),
         path="registry.name", says="is 33 characters long; allowed 3-32"),
    case("registry-name-bad-first-char", set_("registry.name", "-mlreg-dev"),
         path="registry.name", says="allowed: letters, digits, '_' and '-', starting with a letter or digit"),
    case("registry-name-bad-chars", set_("registry.name", "mlreg.dev"),
         path="registry.name", says="'mlreg.dev' is not allowed; allowed: letters, digits, '_' and '-'"),
    case("registry-name-a-number", set_("registry.name", 2025),
         path="registry.name", says="must be a registry name: 3-32 letters, digits, '_' or '-'"),
    # --- workspace names -----------------------------------------------------------------------
    case("workspace-name-too-long", set_(f"{WS}.name", "mlw-contoso-credit-scoring-westeurope"),
         path=f"{WS}.name", says="is 37 characters long; allowed 3-33"),
    case("workspace-name-derived-too-long",
         append("tenants", tenant("contoso-credit-emea", workspace="scoring-prod")),
         path="tenants[2].workspaces[0].name",
         says="allowed 3-33 (derived from the tenant key, workspace key and environment 'dev'; "
              "set name to choose one, or shorten the keys)"),
    case("workspace-name-bad-chars", set_(f"{WS}.name", "mlw.tenant1"),
         path=f"{WS}.name", says="allowed: letters, digits, '_' and '-'"),
    case("tenant-key-too-long", set_("tenants[0].key", "contoso-credit-europe-west"),
         path="tenants[0].key", says="allowed: 2-20 lowercase letters, digits or '-', starting with a letter"),
    case("tenant-key-uppercase", set_("tenants[0].key", "Tenant1"),
         path="tenants[0].key", says="'Tenant1' is not a valid tenant key"),
    case("workspace-key-too-long", set_(f"{WS}.key", "credit-scoring"),
         path=f"{WS}.key", says="allowed: 1-12 lowercase letters, digits or '-'"),
    # --- resource groups -----------------------------------------------------------------------
    case("registry-resource-group-ends-with-dot", set_("registry.resourceGroup", "rg-mlreg-dev."),
         path="registry.resourceGroup", says="not ending in '.'"),
    case("workspace-resource-group-with-space", set_(f"{WS}.resourceGroup", "rg ml tenant1"),
         path=f"{WS}.resourceGroup", says="allowed: letters, digits, '_', '-', '.', '(' and ')'"),
    case("resource-group-too-long", set_(f"{WS}.resourceGroup", "rg-" + "x" * 88),
         path=f"{WS}.resourceGroup", says="is 91 characters long; allowed 1-90"),
    case("registry-resource-group-empty", set_("registry.resourceGroup", ""),
         path="registry.resourceGroup", says="resource group name is empty; allowed: 1-90 characters"),
    # --- compute -------------------------------------------------------------------------------
    case("compute-name-one-char", set_(f"{COMPUTE}.name", "c"),
         path=f"{COMPUTE}.name", says="'c' is 1 character long; allowed 2-16"),
    case("compute-name-too-long", set_(f"{COMPUTE}.name", "cpu-cluster-large"),
         path=f"{COMPUTE}.name", says="is 17 characters long; allowed 2-16"),
    case("compute-name-underscore", set_(f"{COMPUTE}.name", "cpu_cluster"),
         path=f"{COMPUTE}.name", says="allowed: letters, digits and '-', starting with a letter"),
    case("compute-name-starts-with-digit", set_(f"{COMPUTE}.name", "4cpu"),
         path=f"{COMPUTE}.name", says="starting with a letter"),
    case("compute-min-above-max", set_(f"{COMPUTE}.minNodes", 6),
         path=f"{COMPUTE}.minNodes", says="6 is greater than maxNodes (4); allowed: minNodes from 0 up to maxNodes"),
    case("compute-negative-min", set_(f"{COMPUTE}.minNodes", -1),
         path=f"{COMPUTE}.minNodes", says="-1 is out of range; allowed: whole numbers from 0 to 100"),
    case("compute-zero-max", set_(f"{COMPUTE}.maxNodes", 0),
         path=f"{COMPUTE}.maxNodes", says="0 is out of range; allowed: whole numbers from 1 to 100"),
    case("compute-max-is-true", set_(f"{COMPUTE}.maxNodes", True),
         path=f"{COMPUTE}.maxNodes", says="true is not a number; allowed: a whole number"),
    case("compute-max-in-words", set_(f"{COMPUTE}.maxNodes", "four"),
         path=f"{COMPUTE}.maxNodes", says="must be a whole number; got the string 'four'"),
    case("compute-max-fraction", set_(f"{COMPUTE}.maxNodes", 2.5),
         path=f"{COMPUTE}.maxNodes", says="must be a whole number; got 2.5"),
    case("compute-idle-too-short", set_(f"{COMPUTE}.idleMinutes", 1),
         path=f"{COMPUTE}.idleMinutes", says="allowed: whole numbers from 2 to 10080"),
    case("compute-vm-size-without-prefix", set_(f"{COMPUTE}.vmSize", "DS3_v2"),
         path=f"{COMPUTE}.vmSize", says="allowed: an Azure VM size such as Standard_DS3_v2"),
    case("compute-is-a-name", set_(f"{WS}.compute", "cpu-cluster"),
         path=f"{WS}.compute", says="must be a map with the keys name, vmSize, minNodes, maxNodes, idleMinutes"),
    # --- regions -------------------------------------------------------------------------------
    case("workspace-region-outside-registry", set_(f"{WS}.region", "brazilsouth"),
         path=f"{WS}.region",
         says="'brazilsouth' is not one of the registry's regions westeurope, northeurope"),
    case("workspace-region-typo", set_(f"{WS}.region", "westeurop"),
         path=f"{WS}.region", says="(did you mean 'westeurope'?); allowed: ARM location names"),
    case("workspace-region-display-name", set_(f"{WS}.region", "West Europe"),
         path=f"{WS}.region", says="write 'westeurope'"),
    case("registry-primary-region-typo", set_("registry.primaryRegion", "westeurop"),
         path="registry.primaryRegion", says="is not an Azure region that hosts Azure Machine Learning"),
    case("additional-region-repeats-primary", append("registry.additionalRegions", "westeurope"),
         path="registry.additionalRegions[1]", says="'westeurope' is already the primary region"),
    case("additional-region-twice", append("registry.additionalRegions", "northeurope"),
         path="registry.additionalRegions[1]", says="already listed as additionalRegions[0]"),
    case("additional-regions-a-string", set_("registry.additionalRegions", "northeurope"),
         path="registry.additionalRegions", says="for a list of one, write [northeurope]"),
    # --- Entra tenants -------------------------------------------------------------------------
    case("tenant-in-another-entra-tenant", set_("tenants[1].entraTenantId", OTHER_ENTRA),
         path="tenants[1].entraTenantId", says="Azure ML registries cannot cross Entra tenants"),
    # --- members and owner ---------------------------------------------------------------------
    case("member-role-plural", set_(f"{MEMBER}.roles", ["dataScientists"]),
         path=f"{MEMBER}.roles[0]",
         says="(did you mean 'dataScientist'?); allowed: dataScientist, computeOperator, registryUser"),
    case("member-role-owner", set_(f"{MEMBER}.roles", ["Owner"]),
         path=f"{MEMBER}.roles[0]", says="'Owner' is not allowed; allowed: dataScientist"),
    case("member-principal-type-unknown", set_(f"{MEMBER}.type", "Team"),
         path=f"{MEMBER}.type", says="allowed: User, Group, ServicePrincipal"),
    case("owner-type-lowercase", set_("registry.owner.type", "user"),
         path="registry.owner.type", says="(did you mean 'User'?)"),
    case("owner-type-camel-case", set_("registry.owner.type", "servicePrincipal"),
         path="registry.owner.type", says="(did you mean 'ServicePrincipal'?)"),
    case("member-without-roles", drop(f"{MEMBER}.roles"),
         path=f"{MEMBER}.roles", says="is required: a list of values from dataScientist"),
    case("member-roles-empty", set_(f"{MEMBER}.roles", []),
         path=f"{MEMBER}.roles", says="is empty; list at least one role"),
    case("member-roles-a-string", set_(f"{MEMBER}.roles", "dataScientist"),
         path=f"{MEMBER}.roles", says="for a list of one, write [dataScientist]"),
    case("members-a-single-map", set_("tenants[1].members", {"objectId": SUB_A, "type": "User", "roles": []}),
         path="tenants[1].members", says="must be a list of blocks, each a map with the keys objectId"),
    case("member-block-empty", append("tenants[0].members", None),
         path="tenants[0].members[2]", says="must be a map with the keys objectId, type, roles (required)"),
    # --- ownerAccess ---------------------------------------------------------------------------
    case("owner-access-plural", set_("tenants[0].ownerAccess", ["subscriptions"]),
         path="tenants[0].ownerAccess[0]", says="(did you mean 'subscription'?); allowed: subscription, workspace"),
    case("owner-access-resource-group", set_("tenants[0].ownerAccess", ["resourceGroup"]),
         path="tenants[0].ownerAccess[0]", says="allowed: subscription, workspace"),
    case("owner-access-twice", set_("tenants[0].ownerAccess", ["workspace", "workspace"]),
         path="tenants[0].ownerAccess[1]", says="'workspace' is already listed as ownerAccess[0]"),
    case("owner-access-a-string", set_("tenants[0].ownerAccess", "workspace"),
         path="tenants[0].ownerAccess", says="must be a list of values from subscription, workspace"),
    # --- sharing references --------------------------------------------------------------------
    case("share-from-unknown-tenant", set_("sharing.share[0].from", "tenant9/ws1"),
         path="sharing.share[0].from", says="defined workspaces: tenant1/ws1, tenant2/ws1"),
    case("push-to-unknown-workspace", set_(f"{PUSH}.to", ["tenant2/ws2"]),
         path=f"{PUSH}.to[0]", says="(did you mean 'tenant2/ws1'?); defined workspaces: tenant2/ws1"),
    case("pull-into-unknown-workspace", set_("sharing.pull[0].into", ["tenant3/ws1"]),
         path="sharing.pull[0].into[0]", says="'tenant3/ws1' does not exist"),
    case("workspace-ref-with-colon", set_("sharing.share[0].from", "tenant1:ws1"),
         path="sharing.share[0].from", says="allowed: '<tenant key>/<workspace key>'"),
    case("workspace-ref-three-parts", set_("sharing.pull[0].into", ["tenant2/ws1/models"]),
         path="sharing.pull[0].into[0]", says="is not a valid workspace reference"),
    case("push-to-a-string", set_(f"{PUSH}.to", "tenant2/ws1"),
         path=f"{PUSH}.to", says="for a list of one, write [tenant2/ws1]"),
    case("push-to-nobody", set_(f"{PUSH}.to", []),
         path=f"{PUSH}.to", says="is empty; list at least one workspace reference"),
    case("push-to-same-workspace-twice", append(f"{PUSH}.to", "tenant2/ws1"),
         path=f"{PUSH}.to[1]", says="'tenant2/ws1' is already listed as to[0]"),
    # --- what is shared ------------------------------------------------------------------------
    case("share-a-component", drop("sharing.share[0].model"), set_("sharing.share[0].component", "train"),
         path="sharing.share[0].component", says="components are created in the registry"),
    case("share-names-no-asset", drop("sharing.share[0].model"),
         path="sharing.share[0]", says="names no asset; name exactly one with one of the keys model, data"),
    case("share-names-two-assets", set_("sharing.share[0].data", "credit-default-tenant1"),
         path="sharing.share[0]", says="names 2 assets (model, data); name exactly one"),
    case("pull-names-two-assets", set_("sharing.pull[0].model", "credit-card-default"),
         path="sharing.pull[0]", says="names 2 assets (model, environment)"),
    case("same-version-shared-twice",
         append("sharing.share", {"from": "tenant2/ws1", "model": "credit-card-default", "version": 1}),
         path="sharing.share[1].version", says="registry versions are immutable"),
    case("version-latest", set_(f"{PUSH}.version", "latest"),
         path=f"{PUSH}.version", says="'latest' is a label, not a version; pin a version"),
    case("version-unquoted-decimal", set_("sharing.pull[0].version", 1.10),
         path="sharing.pull[0].version", says="write the version in quotes"),
    case("asset-name-with-space", set_("sharing.share[0].model", "credit card default"),
         path="sharing.share[0].model", says="allowed: letters, digits, '_', '.', '-'"),
    # --- endpoints -----------------------------------------------------------------------------
    case("online-endpoint-without-instance-type", drop(f"{ENDPOINT}.instanceType"),
         path=f"{ENDPOINT}.instanceType", says="is required for an online endpoint"),
    case("batch-endpoint-with-instance-type", set_(f"{ENDPOINT}.kind", "batch"),
         path=f"{ENDPOINT}.instanceType", says="is not allowed for a batch endpoint"),
    case("online-endpoint-with-compute", set_(f"{ENDPOINT}.compute", "cpu-cluster"),
         path=f"{ENDPOINT}.compute", says="is not allowed for an online endpoint"),
    case("endpoint-kind-realtime", set_(f"{ENDPOINT}.kind", "realtime"),
         path=f"{ENDPOINT}.kind", says="allowed: online, batch"),
    case("endpoint-name-underscore", set_(f"{ENDPOINT}.name", "credit_default"),
         path=f"{ENDPOINT}.name", says="allowed: letters, digits and '-'"),
    case("endpoint-zero-instances", set_(f"{ENDPOINT}.instanceCount", 0),
         path=f"{ENDPOINT}.instanceCount", says="allowed: whole numbers from 1 to 50"),
    case("batch-endpoint-unknown-cluster",
         set_(ENDPOINT, {"kind": "batch", "name": "credit-batch", "compute": "gpu-cluster"}),
         path=f"{ENDPOINT}.compute", says="its cluster is 'cpu-cluster'"),
    case("endpoint-names-collide-in-one-region",
         set_(f"{WS}.region", "northeurope"),
         append("sharing.push", {"model": "other-model", "version": "2", "to": ["tenant1/ws1"],
                                 "endpoint": {"kind": "online", "name": "credit-default",
                                              "instanceType": "Standard_DS3_v2"}}),
         path="sharing.push[1].to[0]", says="endpoint names are unique per Azure region"),
    case("same-endpoint-declared-twice-in-a-workspace",
         append("sharing.push", {"model": "credit-card-default", "version": "2", "to": ["tenant2/ws1"],
                                 "endpoint": {"kind": "online", "name": "credit-default",
                                              "instanceType": "Standard_DS3_v2"}}),
         path="sharing.push[1].to[0]", says="is already declared by sharing.push[0]"),
    # --- catalog -------------------------------------------------------------------------------
    case("catalog-file-missing", set_("catalog.environments", ["catalog/environments/sklearn.yaml"]),
         path="catalog.environments[0]",
         says="does not exist in the project (did you mean 'catalog/environments/sklearn.yml'?)"),
    case("catalog-file-absolute", set_("catalog.components", ["/srv/ml/train.yml"]),
         path="catalog.components[0]", says="is an absolute path; allowed: a path relative to the project"),
    case("catalog-file-outside-project", set_("catalog.components", ["../shared/train.yml"]),
         path="catalog.components[0]", says="points outside the project directory"),
    case("catalog-file-not-yaml", set_("catalog.components", ["catalog/components/train.py"]),
         path="catalog.components[0]", says="allowed: azure-ai-ml YAML files (.yml or .yaml)"),
    case("catalog-file-is-a-directory", set_("catalog.components", ["catalog/components"]),
         path="catalog.components[0]", says="is a directory; name the YAML file in it"),
    case("catalog-file-in-wrong-folder", set_("catalog.components", ["catalog/train.yml"]),
         path="catalog.components[0]", says="file 'catalog/train.yml' does not exist in the project"),
    case("catalog-file-twice", append("catalog.environments", "catalog/environments/sklearn.yml"),
         path="catalog.environments[1]", says="is already listed as environments[0]"),
    case("catalog-components-a-string", set_("catalog.components", "catalog/components/train.yml"),
         path="catalog.components", says="for a list of one, write [catalog/components/train.yml]"),
    # --- missing required keys -----------------------------------------------------------------
    case("no-registry", drop("registry"),
         path="registry", says="is required: the central registry, a map with the keys name, subscriptionId"),
    case("no-entra-tenant-id", drop("entraTenantId"),
         path="entraTenantId", says="is required: the Entra tenant of the registry, a GUID"),
    case("tenant-without-workspaces", drop("tenants[1].workspaces"),
         path="tenants[1].workspaces", says="is required: a list of blocks, each a map with the keys key, "
                                            "subscriptionId, region (required)"),
    case("tenant-with-empty-workspaces", set_("tenants[1].workspaces", []),
         path="tenants[1].workspaces", says="is empty; list at least one workspace"),
    case("tenant-without-key", drop("tenants[1].key"),
         path="tenants[1].key", says="is required: a tenant key: 2-20 lowercase letters"),
    case("workspace-without-region", drop(f"{WS}.region"),
         path=f"{WS}.region", says="is required: an Azure region (ARM location name) such as westeurope"),
    case("registry-without-owner", drop("registry.owner"),
         path="registry.owner", says="is required: a map with the keys objectId, type (required)"),
    # --- wrong types ---------------------------------------------------------------------------
    case("tenants-a-map-by-key", set_("tenants", {"tenant1": {"workspaces": []}}),
         path="tenants", says="must be a list of tenant blocks, each starting with '- key: <tenant key>'"),
    case("tenant-block-a-string", set_("tenants[0]", "tenant1"),
         path="tenants[0]", says="must be a map with the keys key, workspaces (required)"),
    case("registry-a-string", set_("registry", "mlreg-dev"),
         path="registry", says="must be a map with the keys name, subscriptionId, resourceGroup"),
    case("public-network-access-a-boolean", set_("registry.publicNetworkAccess", True),
         path="registry.publicNetworkAccess", says="true is not allowed; allowed: Enabled, Disabled"),
    case("public-network-access-lowercase", set_(f"{WS}.publicNetworkAccess", "disabled"),
         path=f"{WS}.publicNetworkAccess", says="(did you mean 'Disabled'?)"),
    case("sharing-left-empty", set_("sharing", None),
         path="sharing", says="write {} or remove the key when there is nothing to set"),
    case("tag-value-a-list", set_("tags", {"owner": ["team-ml"]}),
         path="tags.owner", says="must be a string (or a number); got a list of 1 item(s)"),
    case("tag-name-with-slash", set_("tags", {"cost/center": "1234"}),
         path="tags.cost/center", says="is not a valid tag name"),
    case("environment-with-dot", set_("environment", "dev.eu"),
         path="environment", says="allowed: 1-20 letters, digits, '-' or '_'"),
]


@pytest.mark.parametrize("bad", CASES)
def test_bad_config_names_its_path_and_what_is_allowed(bad: Case, project_dir):
    problems = problems_of(edited(*bad.edits), project_dir)

    assert not [p for p in problems if JARGON.search(p.message)], "\n".join(map(str, problems))
    at_path = [p for p in problems if p.path == bad.path]
    assert at_path, f"no problem at {bad.path}; got:\n" + "\n".join(map(str, problems))
    assert any(bad.fragment in p.message for p in at_path), "\n".join(map(str, at_path))
    assert len(problems) == bad.count, "\n".join(map(str, problems))


def test_the_corpus_is_large_and_its_ids_unique():
    ids = [param.id for param in CASES]
    assert len(ids) >= 30
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("bad", CASES)
def test_bad_config_stops_the_program_before_anything_is_registered(bad: Case):
    """The same configs through the Pulumi program under the mock engine, as `pulumi up` would run it."""
    from pulumi.runtime.settings import get_monitor

    from preview.engine import CapturingMonitor, run_program
    from stacks.errors import ConfigError

    with pytest.raises(ConfigError) as error:
        run_program(edited(*bad.edits), "dev")
    assert bad.path in [p.path for p in error.value.problems]
    monitor = get_monitor()
    assert isinstance(monitor, CapturingMonitor)
    assert monitor.captured == []
