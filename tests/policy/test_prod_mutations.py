"""Prod's desired state weakened one setting at a time, as a security reviewer would try it.

Each mutation starts from the real prod graph (the program under the mock engine), changes one
input or removes one resource, and must be caught as mandatory by the named rule, and by no
rule that has nothing to do with it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from platform_graph import platform

from policy.offline import evaluate

PROD = platform("prod")
Graph = list
Mutation = Callable[[Graph], Graph]


def setting(name: str, *path: str | int, to: Any) -> Mutation:
    """One resource's input at ``path`` set to ``to`` (None removes it)."""

    def mutate(graph: Graph) -> Graph:
        out = []
        for node in graph:
            # Components share their logical name with the resource they wrap; only Azure resources change.
            if node.name == name and node.type.startswith("azure-native:"):
                inputs = copy.deepcopy(dict(node.inputs))
                target = inputs
                for key in path[:-1]:
                    target = target[key]
                if to is None:
                    del target[path[-1]]
                else:
                    target[path[-1]] = to
                node = dataclasses.replace(node, inputs=inputs)
            out.append(node)
        return out

    return mutate


def removed(name: str) -> Mutation:
    def mutate(graph: Graph) -> Graph:
        assert any(n.name == name for n in graph), name
        return [n for n in graph if n.name != name or not n.type.startswith("azure-native:")]

    return mutate


COMPUTE_PROPS = ("properties", "properties")
CASES = [
    # Opened to the internet.
    ("storage-public", setting("tenant1-ws1-st", "publicNetworkAccess", to="Enabled"), "storage-public-network-access"),
    ("storage-public-by-default", setting("tenant4-ws1-st", "publicNetworkAccess", to=None),
     "storage-public-network-access"),
    ("key-vault-public", setting("tenant1-ws1-kv", "properties", "publicNetworkAccess", to="Enabled"),
     "key-vault-public-network-access"),
    ("key-vault-public-by-default", setting("tenant4-ws1-kv", "properties", "publicNetworkAccess", to=None),
     "key-vault-public-network-access"),
    ("acr-public", setting("tenant1-ws1-cr", "publicNetworkAccess", to="Enabled"),
     "container-registry-public-network-access"),
    ("tenant-log-analytics-ingestion-public", setting("tenant1-ws1-log", "publicNetworkAccessForIngestion",
                                                      to="Enabled"), "log-analytics-public-network-access"),
    ("central-log-analytics-query-public", setting("mlreg-prod-audit-log", "publicNetworkAccessForQuery", to=None),
     "log-analytics-public-network-access"),
    ("app-insights-ingestion-public", setting("tenant4-ws1-appi", "publicNetworkAccessForIngestion", to="Enabled"),
     "app-insights-public-network-access"),
    ("app-insights-query-public", setting("tenant1-ws1-appi", "publicNetworkAccessForQuery", to="Enabled"),
     "app-insights-public-network-access"),
    ("registry-public", setting("mlreg-prod", "publicNetworkAccess", to="Enabled"), "registry-public-network-access"),
    ("workspace-public", setting("tenant1-ws1", "publicNetworkAccess", to="Enabled"),
     "workspace-public-network-access"),
    ("storage-firewall-open", setting("tenant1-ws1-st", "networkRuleSet", "defaultAction", to="Allow"),
     "storage-public-network-access"),
    ("key-vault-firewall-removed", setting("tenant4-ws1-kv", "properties", "networkAcls", to=None),
     "key-vault-public-network-access"),
    ("acr-anonymous-pull", setting("tenant1-ws1-cr", "anonymousPullEnabled", to=True),
     "container-registry-public-network-access"),
    ("storage-cross-tenant-replication", setting("tenant1-ws1-st", "allowCrossTenantReplication", to=True),
     "storage-no-cross-tenant-replication"),
    ("storage-shared-keys", setting("tenant4-ws1-st", "allowSharedKeyAccess", to=True), "storage-no-shared-key-access"),
    ("app-insights-local-auth", setting("tenant1-ws1-appi", "disableLocalAuth", to=False),
     "app-insights-local-auth-disabled"),
    ("monitor-scope-open-ingestion", setting("monitoring-scope", "accessModeSettings", "ingestionAccessMode",
                                             to="Open"), "monitoring-private-link-scope"),
    # Compute and outbound traffic.
    ("compute-public-ssh", setting("tenant1-ws1-compute", *COMPUTE_PROPS, "remoteLoginPortPublicAccess",
                                   to="Enabled"), "compute-no-public-ssh"),
    ("compute-node-public-ip", setting("tenant1-ws1-compute", *COMPUTE_PROPS, "enableNodePublicIp", to=True),
     "compute-no-node-public-ip"),
    ("compute-node-public-ip-by-default", setting("tenant4-ws1-compute", *COMPUTE_PROPS, "enableNodePublicIp",
                                                  to=None), "compute-no-node-public-ip"),
    ("managed-network-removed", setting("tenant1-ws1", "managedNetwork", to=None),
     "workspace-managed-network-isolation"),
    ("managed-network-internet-outbound", setting("tenant4-ws1", "managedNetwork", "isolationMode",
                                                  to="AllowInternetOutbound"), "workspace-managed-network-isolation"),
    ("managed-network-disabled", setting("tenant4-ws1", "managedNetwork", "isolationMode", to="Disabled"),
     "workspace-managed-network-isolation"),
    # Resource logs.
    ("registry-diagnostics-removed", removed("mlreg-prod-audit"), "diagnostic-settings-present"),
    ("registry-diagnostics-disabled", setting("mlreg-prod-audit", "logs", 0, "enabled", to=False),
     "diagnostic-settings-present"),
    ("workspace-diagnostics-removed", removed("tenant1-ws1-mlw-audit"), "diagnostic-settings-present"),
    ("key-vault-diagnostics-removed", removed("tenant4-ws1-kv-audit"), "diagnostic-settings-present"),
    ("key-vault-diagnostics-other-category", setting("tenant1-ws1-kv-audit", "logs", 0, "category",
                                                     to="AzurePolicyEvaluationDetails"), "diagnostic-settings-present"),
    ("blob-diagnostics-removed", removed("tenant1-ws1-blob-audit"), "diagnostic-settings-present"),
    ("blob-diagnostics-without-deletes", setting("tenant4-ws1-blob-audit", "logs", 2, to=None),
     "diagnostic-settings-present"),
    ("acr-diagnostics-removed", removed("tenant1-ws1-cr-audit"), "diagnostic-settings-present"),
    ("diagnostics-without-destination", setting("tenant1-ws1-mlw-audit", "workspaceId", to=None),
     "diagnostic-settings-present"),
    # Private endpoints and DNS.
    ("registry-endpoint-removed", removed("registry-amlregistry-pe"), "private-endpoints-present"),
    ("workspace-endpoint-removed", removed("tenant1-ws1-amlworkspace-pe"), "private-endpoints-present"),
    ("spoke-workspace-endpoint-removed", removed("tenant4-ws1-amlworkspace-pe"), "private-endpoints-present"),
    ("blob-endpoint-removed", removed("tenant1-ws1-blob-pe"), "private-endpoints-present"),
    ("file-endpoint-removed", removed("tenant4-ws1-file-pe"), "private-endpoints-present"),
    ("monitor-endpoint-removed", removed("monitoring-azuremonitor-pe"), "private-endpoints-present"),
    ("endpoint-wrong-sub-resource", setting("tenant1-ws1-blob-pe", "privateLinkServiceConnections", 0, "groupIds",
                                            to=["table"]), "private-endpoints-present"),
    ("endpoint-dns-removed", removed("tenant1-ws1-amlworkspace-dns"), "private-endpoints-present"),
    ("registry-endpoint-dns-removed", removed("registry-amlregistry-dns"), "private-endpoints-present"),
    ("endpoint-dns-zone-dropped", setting("tenant4-ws1-amlworkspace-dns", "privateDnsZoneConfigs", 1, to=None),
     "private-endpoints-present"),
    ("dns-zone-removed", removed("zone-privatelink.api.azureml.ms"), "private-dns-zones-resolve"),
    ("dns-zone-unlinked", removed("zone-privatelink.blob.core.windows.net-link-vnet-hub-prod"),
     "private-dns-zones-resolve"),
    ("monitor-scope-removed", removed("monitoring-scope"), "monitoring-private-link-scope"),
    ("log-analytics-unlinked-from-scope", removed("monitoring-tenant1-ws1"), "monitoring-private-link-scope"),
    ("app-insights-unlinked-from-scope", removed("monitoring-tenant4-ws1-appi"), "monitoring-private-link-scope"),
    # Recovery.
    ("blob-recovery-removed", removed("tenant1-ws1-blob-recovery"), "storage-soft-delete"),
    ("blob-soft-delete-off", setting("tenant4-ws1-blob-recovery", "deleteRetentionPolicy", "enabled", to=False),
     "storage-soft-delete"),
    ("container-soft-delete-off", setting("tenant1-ws1-blob-recovery", "containerDeleteRetentionPolicy", to=None),
     "storage-soft-delete"),
    ("blob-soft-delete-one-day", setting("tenant1-ws1-blob-recovery", "deleteRetentionPolicy", "days", to=1),
     "storage-soft-delete"),
    ("blob-versioning-off", setting("tenant4-ws1-blob-recovery", "isVersioningEnabled", to=False),
     "storage-blob-versioning"),
    ("key-vault-soft-delete-off", setting("tenant1-ws1-kv", "properties", "enableSoftDelete", to=False),
     "key-vault-soft-delete"),
]


def test_prod_as_written_passes_every_rule():
    assert evaluate(PROD, stack="prod") == []


@pytest.mark.parametrize(("mutation", "rule"), [pytest.param(m, r, id=i) for i, m, r in CASES])
def test_every_weakening_of_prod_is_caught_as_mandatory(mutation, rule):
    violations = evaluate(mutation(PROD), stack="prod")
    assert violations, "the mutation went unnoticed"
    assert {(v.rule, v.level) for v in violations} == {(rule, "mandatory")}


def test_the_mutations_cover_every_new_rule():
    from policy.rules import diagnostics, exposure, outbound, private_endpoints, recovery

    guarded = {r.name for module in (exposure, outbound, private_endpoints, diagnostics, recovery)
               for r in module.RULES}
    assert guarded <= {rule for _, _, rule in CASES}
