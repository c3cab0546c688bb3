"""Security baseline rules: compute, storage, key vault, container registry, monitoring,
protection of stateful resources and required tags."""

from __future__ import annotations

import pytest
from policy_kit import ENGINE_UNKNOWN, resource_args, run

from policy.rules import compute, containerregistry, keyvault, monitoring, protection, storage, tagging
from policy.rules.resource_types import (
    APP_INSIGHTS,
    CONTAINER_REGISTRY,
    KEY_VAULT,
    LOG_ANALYTICS,
    ML_COMPUTE,
    ML_REGISTRY,
    ML_WORKSPACE,
    ROLE_ASSIGNMENT,
    STORAGE_ACCOUNT,
)

TAGS = {"tenant": "tenant1", "environment": "dev"}


def compute_props(min_nodes=0, disable_local_auth=True, compute_type="AmlCompute"):
    props = {
        "computeType": compute_type,
        "properties": {
            "vmSize": "Standard_DS3_v2",
            "scaleSettings": {"minNodeCount": min_nodes, "maxNodeCount": 4, "nodeIdleTimeBeforeScaleDown": "PT15M"},
        },
    }
    if disable_local_auth is not None:
        props["disableLocalAuth"] = disable_local_auth
    return {"computeName": "cpu-cluster", "properties": props, "tags": TAGS}


STORAGE = {
    "accountName": "sttenant1ws1abcd1234",
    "minimumTlsVersion": "TLS1_2",
    "enableHttpsTrafficOnly": True,
    "allowBlobPublicAccess": False,
    "allowSharedKeyAccess": False,
    "tags": TAGS,
}
VAULT = {
    "vaultName": "kv-tenant1ws1-abcd1234",
    "properties": {
        "tenantId": "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11",
        "sku": {"family": "A", "name": "standard"},
        "enableSoftDelete": True,
        "enablePurgeProtection": True,
        "enableRbacAuthorization": True,
    },
    "tags": TAGS,
}

COMPLIANT = [
    (compute.LOCAL_AUTH_DISABLED, ML_COMPUTE, compute_props()),
    (compute.SCALES_TO_ZERO, ML_COMPUTE, compute_props()),
    (storage.TLS_1_2, STORAGE_ACCOUNT, STORAGE),
    (storage.HTTPS_ONLY, STORAGE_ACCOUNT, STORAGE),
    (storage.NO_PUBLIC_BLOB_ACCESS, STORAGE_ACCOUNT, STORAGE),
    (storage.NO_SHARED_KEY_ACCESS, STORAGE_ACCOUNT, STORAGE),
    (keyvault.SOFT_DELETE, KEY_VAULT, VAULT),
    (keyvault.PURGE_PROTECTION, KEY_VAULT, VAULT),
    (keyvault.RBAC_AUTHORIZATION, KEY_VAULT, VAULT),
    (containerregistry.ADMIN_DISABLED, CONTAINER_REGISTRY, {"adminUserEnabled": False, "tags": TAGS}),
    (monitoring.APP_INSIGHTS_LOCAL_AUTH_DISABLED, APP_INSIGHTS, {"disableLocalAuth": True, "tags": TAGS}),
    (monitoring.LOG_ANALYTICS_LOCAL_AUTH_DISABLED, LOG_ANALYTICS, {"features": {"disableLocalAuth": True}}),
    (tagging.REQUIRED, STORAGE_ACCOUNT, STORAGE),
]


@pytest.mark.parametrize(("policy", "resource_type", "props"), COMPLIANT, ids=lambda x: getattr(x, "name", ""))
def test_compliant_resources_pass(policy, resource_type, props):
    found = run(policy, resource_args(resource_type, props))
    assert (found.messages, found.notes) == ([], [])


def messages(policy, resource_type, props, **kwargs):
    return run(policy, resource_args(resource_type, props, **kwargs)).messages


def without(props, key):
    return {k: v for k, v in props.items() if k != key}


def test_compute_local_auth():
    assert messages(compute.LOCAL_AUTH_DISABLED, ML_COMPUTE, compute_props(disable_local_auth=False)) == [
        "properties.disableLocalAuth is false; set it to true so only Entra ID is accepted"
    ]
    assert messages(compute.LOCAL_AUTH_DISABLED, ML_COMPUTE, compute_props(disable_local_auth=None)) == [
        "properties.disableLocalAuth is not set, so local (key) authentication stays enabled; set it to true"
    ]


def test_compute_scales_to_zero():
    assert messages(compute.SCALES_TO_ZERO, ML_COMPUTE, compute_props(min_nodes=2)) == [
        "scaleSettings.minNodeCount is 2: idle nodes keep running and billing; set it to 0"
    ]
    # Compute instances do not scale; only clusters are asked to.
    instance = compute_props(min_nodes=2, compute_type="ComputeInstance")
    assert messages(compute.SCALES_TO_ZERO, ML_COMPUTE, instance) == []


def test_storage_tls():
    assert messages(storage.TLS_1_2, STORAGE_ACCOUNT, {**STORAGE, "minimumTlsVersion": "TLS1_0"}) == [
        "minimumTlsVersion is TLS1_0; set it to TLS1_2"
    ]
    assert messages(storage.TLS_1_2, STORAGE_ACCOUNT, without(STORAGE, "minimumTlsVersion")) == [
        "minimumTlsVersion is not set, and Azure then accepts TLS 1.0; set it to TLS1_2"
    ]


def test_storage_https_only():
    assert messages(storage.HTTPS_ONLY, STORAGE_ACCOUNT, {**STORAGE, "enableHttpsTrafficOnly": False}) == [
        "enableHttpsTrafficOnly is false; storage must refuse plain HTTP"
    ]
    assert messages(storage.HTTPS_ONLY, STORAGE_ACCOUNT, without(STORAGE, "enableHttpsTrafficOnly")) == []


def test_storage_public_blob_access():
    assert messages(storage.NO_PUBLIC_BLOB_ACCESS, STORAGE_ACCOUNT, {**STORAGE, "allowBlobPublicAccess": True}) == [
        "allowBlobPublicAccess is true; containers must not be readable anonymously"
    ]


def test_storage_shared_key_access():
    assert messages(storage.NO_SHARED_KEY_ACCESS, STORAGE_ACCOUNT, {**STORAGE, "allowSharedKeyAccess": True}) == [
        "allowSharedKeyAccess is true; set it to false so only Entra ID is accepted"
    ]
    assert messages(storage.NO_SHARED_KEY_ACCESS, STORAGE_ACCOUNT, without(STORAGE, "allowSharedKeyAccess")) == [
        "allowSharedKeyAccess is not set, and Azure then accepts account keys; set it to false"
    ]


def vault(**changes):
    return {**VAULT, "properties": {k: v for k, v in {**VAULT["properties"], **changes}.items() if v is not None}}


def test_key_vault_soft_delete():
    assert messages(keyvault.SOFT_DELETE, KEY_VAULT, vault(enableSoftDelete=False)) == [
        "properties.enableSoftDelete is false; deleted secrets must stay recoverable"
    ]
    assert messages(keyvault.SOFT_DELETE, KEY_VAULT, vault(enableSoftDelete=None)) == []


def test_key_vault_purge_protection():
    assert messages(keyvault.PURGE_PROTECTION, KEY_VAULT, vault(enablePurgeProtection=None)) == [
        "properties.enablePurgeProtection is not set, and Azure's default is false; set it to true so nobody can "
        "purge the vault before its retention ends"
    ]


def test_key_vault_rbac_authorization():
    assert messages(keyvault.RBAC_AUTHORIZATION, KEY_VAULT, vault(enableRbacAuthorization=False)) == [
        "properties.enableRbacAuthorization is false; set it to true so access is granted by role assignments, "
        "not access policies"
    ]


def test_container_registry_admin_user():
    assert messages(containerregistry.ADMIN_DISABLED, CONTAINER_REGISTRY, {"adminUserEnabled": True}) == [
        "adminUserEnabled is true; pull with managed identities (AcrPull) instead"
    ]
    assert messages(containerregistry.ADMIN_DISABLED, CONTAINER_REGISTRY, {}) == []


def test_app_insights_local_auth():
    assert messages(monitoring.APP_INSIGHTS_LOCAL_AUTH_DISABLED, APP_INSIGHTS, {"kind": "web"}) == [
        "disableLocalAuth is not set, so shared keys still authenticate; set it to true"
    ]


def test_log_analytics_local_auth():
    props = {"features": {"disableLocalAuth": False}}
    assert messages(monitoring.LOG_ANALYTICS_LOCAL_AUTH_DISABLED, LOG_ANALYTICS, props) == [
        "features.disableLocalAuth is false; set it to true so only Entra ID is accepted"
    ]


@pytest.mark.parametrize("resource_type", [ML_REGISTRY, ML_WORKSPACE, STORAGE_ACCOUNT, KEY_VAULT])
def test_stateful_resources_must_be_protected(resource_type):
    assert messages(protection.PROTECTED, resource_type, {}, protect=True) == []
    assert messages(protection.PROTECTED, resource_type, {}, protect=False) == [
        "holds state that cannot be recreated; register it with protect=True "
        "(or mark its tenant with offboarding: handover|delete to take it off the platform)"
    ]
    # A tenant being offboarded has protection lifted on purpose, and says so in a tag.
    for mode in ("handover", "delete"):
        assert messages(protection.PROTECTED, resource_type, {"tags": {"offboarding": mode}}, protect=False) == []
    assert messages(protection.PROTECTED, resource_type, {"tags": {"offboarding": "soon"}}, protect=False) != []


def test_stateless_resources_need_no_protection():
    assert messages(protection.PROTECTED, ML_COMPUTE, {}, protect=False) == []


def test_required_tags():
    assert messages(tagging.REQUIRED, ML_WORKSPACE, {"tags": {"tenant": "tenant1"}}) == ["missing tags: environment"]
    assert messages(tagging.REQUIRED, ML_WORKSPACE, {}) == ["missing tags: tenant, environment"]


def test_untaggable_resources_need_no_tags():
    assert messages(tagging.REQUIRED, ROLE_ASSIGNMENT, {}) == []
    assert messages(tagging.REQUIRED, "pulumi:providers:azure-native", {}) == []
    assert messages(tagging.REQUIRED, "ml-tenancy:platform:TenantWorkspace", {}) == []


def test_other_azure_types_are_checked_when_they_set_tags():
    assert messages(tagging.REQUIRED, "azure-native:cache:Redis", {"tags": {"tenant": "t"}}) == [
        "missing tags: environment"
    ]
    assert messages(tagging.REQUIRED, "azure-native:cache:Redis", {}) == []


def test_unknown_tags_wait_for_apply():
    found = run(tagging.REQUIRED, resource_args(ML_WORKSPACE, {"tags": ENGINE_UNKNOWN}))
    assert (found.messages, found.notes) == ([], ["tags is known after apply"])
    found = run(tagging.REQUIRED, resource_args(ML_WORKSPACE, {"tags": {"tenant": ENGINE_UNKNOWN, "environment": "d"}}))
    assert (found.messages, found.notes) == ([], [])
