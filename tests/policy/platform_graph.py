"""A whole platform as the offline preview's graph, derived from a real stack file.

Resources are shaped the way the components write them (azure-native v3 inputs, camelCase),
and role assignments come from ``stacks.access.plan_role_grants``: the policy pack is checked
against the same access plan the program deploys. A compliant graph passes every mandatory
rule; tests break it one property at a time.
"""

from __future__ import annotations

from policy_kit import PROVIDER_TYPE, Node

from policy.offline import UNKNOWN
from policy.rules import resource_types as t
from stacks.access import plan_role_grants
from stacks.load import load_stack_file
from stacks.topology import Topology


def platform(stack: str) -> list[Node]:
    cfg = load_stack_file(stack)
    topology = Topology.of(cfg)
    env = cfg.environment
    nodes: list[Node] = [Node("pulumi:pulumi:Stack", f"ml-tenancy-{stack}", {}, stack=stack)]

    providers: dict[str, str] = {}
    for subscription in topology.subscriptions:
        node = Node(PROVIDER_TYPE, f"azure-{subscription[:8]}", {"subscriptionId": subscription}, stack=stack)
        nodes.append(node)
        # Resources refer to their provider as "<urn>::<id>", as the engine does.
        providers[subscription] = f"{node.urn}::04da6b54-0000-0000-0000-{subscription[-12:]}"

    def add(resource_type, name, inputs, *, subscription, tenant, protect=False, dependencies=()):
        tags = {"tenant": tenant, "environment": env, **cfg.tags}
        node = Node(
            resource_type,
            name,
            {**inputs, "tags": tags} if resource_type != t.ROLE_ASSIGNMENT else inputs,
            protect=protect,
            provider=providers[subscription],
            dependencies=tuple(dependencies),
            stack=stack,
        )
        nodes.append(node)
        return node

    reg = cfg.registry
    registry = add(
        t.ML_REGISTRY,
        "registry",
        {
            "registryName": reg.name,
            "resourceGroupName": reg.resource_group,
            "location": reg.primary_region,
            "identity": {"type": "SystemAssigned"},
            "publicNetworkAccess": reg.public_network_access,
            "regionDetails": [
                {
                    "location": region,
                    "storageAccountDetails": [
                        {
                            "systemCreatedStorageAccount": {
                                "allowBlobPublicAccess": False,
                                "storageAccountType": "Standard_LRS",
                                "storageAccountHnsEnabled": False,
                            }
                        }
                    ],
                    "acrDetails": [{"systemCreatedAcrAccount": {"acrAccountSku": "Premium"}}],
                }
                for region in reg.regions
            ],
        },
        subscription=reg.subscription_id,
        tenant="platform",
        protect=True,
    )

    workspaces = {}
    for site in topology.sites:
        names, sub, tenant, key = site.names, site.subscription_id, site.tenant.key, site.ref.replace("/", "-")
        rg = names.resource_group
        common = {"resourceGroupName": rg, "location": site.spec.region}
        add(
            t.RESOURCE_GROUP,
            f"{key}-rg",
            {"resourceGroupName": rg, "location": site.spec.region},
            subscription=sub,
            tenant=tenant,
        )
        add(
            t.STORAGE_ACCOUNT,
            f"{key}-storage",
            {
                **common,
                "accountName": names.storage_account,
                "kind": "StorageV2",
                "sku": {"name": "Standard_LRS"},
                "minimumTlsVersion": "TLS1_2",
                "enableHttpsTrafficOnly": True,
                "allowBlobPublicAccess": False,
                "allowSharedKeyAccess": False,
            },
            subscription=sub,
            tenant=tenant,
            protect=True,
        )
        add(
            t.KEY_VAULT,
            f"{key}-vault",
            {
                **common,
                "vaultName": names.key_vault,
                "properties": {
                    "tenantId": cfg.entra_tenant_id,
                    "sku": {"family": "A", "name": "standard"},
                    "enableSoftDelete": True,
                    "enablePurgeProtection": True,
                    "enableRbacAuthorization": True,
                },
            },
            subscription=sub,
            tenant=tenant,
            protect=True,
        )
        acr = add(
            t.CONTAINER_REGISTRY,
            f"{key}-acr",
            {
                **common,
                "registryName": names.container_registry,
                "sku": {"name": "Premium"},
                "adminUserEnabled": False,
            },
            subscription=sub,
            tenant=tenant,
        )
        add(
            t.LOG_ANALYTICS,
            f"{key}-logs",
            {**common, "workspaceName": names.log_analytics, "features": {"disableLocalAuth": True}},
            subscription=sub,
            tenant=tenant,
        )
        add(
            t.APP_INSIGHTS,
            f"{key}-appi",
            {
                **common,
                "resourceName": names.app_insights,
                "kind": "web",
                "applicationType": "web",
                "disableLocalAuth": True,
            },
            subscription=sub,
            tenant=tenant,
        )
        acr_id = f"{site.resource_group_id}/providers/Microsoft.ContainerRegistry/registries/{names.container_registry}"
        workspace_inputs = {
            **common,
            "workspaceName": names.workspace,
            "identity": {"type": "SystemAssigned"},
            "v1LegacyMode": False,
            "publicNetworkAccess": site.spec.public_network_access,
            "containerRegistry": acr_id,
            "storageAccount": (
                f"{site.resource_group_id}/providers/Microsoft.Storage/storageAccounts/{names.storage_account}"
            ),
            "keyVault": f"{site.resource_group_id}/providers/Microsoft.KeyVault/vaults/{names.key_vault}",
            "applicationInsights": UNKNOWN,
        }
        if site.spec.public_network_access == "Disabled":
            workspace_inputs["managedNetwork"] = {
                "isolationMode": "AllowOnlyApprovedOutbound",
                "outboundRules": {
                    "registry": {
                        "type": "PrivateEndpoint",
                        "destination": {"serviceResourceId": topology.registry_id, "subresourceTarget": "amlregistry"},
                    }
                },
            }
        workspaces[site.ref] = add(
            t.ML_WORKSPACE,
            f"{key}-workspace",
            workspace_inputs,
            subscription=sub,
            tenant=tenant,
            protect=True,
            dependencies=[acr.urn],
        )
        compute = site.spec.compute
        add(
            t.ML_COMPUTE,
            f"{key}-compute",
            {
                "resourceGroupName": rg,
                "workspaceName": names.workspace,
                "computeName": compute.name,
                "location": site.spec.region,
                "identity": {"type": "SystemAssigned"},
                "properties": {
                    "computeType": "AmlCompute",
                    "disableLocalAuth": True,
                    "properties": {
                        "vmSize": compute.vm_size,
                        "scaleSettings": {
                            "minNodeCount": compute.min_nodes,
                            "maxNodeCount": compute.max_nodes,
                            "nodeIdleTimeBeforeScaleDown": f"PT{compute.idle_minutes}M",
                        },
                    },
                },
            },
            subscription=sub,
            tenant=tenant,
        )

    for i, grant in enumerate(plan_role_grants(topology)):
        owner = workspaces.get(grant.principal.identity_of or grant.scope.workspace_ref or "")
        add(
            t.ROLE_ASSIGNMENT,
            f"ra-{i:02d}",
            {
                "principalId": grant.principal.object_id or UNKNOWN,
                "principalType": grant.principal.principal_type,
                "roleDefinitionId": grant.role_definition_id,
                "scope": grant.scope.id,
                "roleAssignmentName": grant.name,
                "description": grant.description,
            },
            subscription=grant.scope.subscription_id,
            tenant="",
            dependencies=[owner.urn] if owner else [registry.urn],
        )
    return nodes
