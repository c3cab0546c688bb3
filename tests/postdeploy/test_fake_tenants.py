"""The two-tenant fake answers like Azure: a token of another tenant is refused, blobs download by range."""

from __future__ import annotations

import pytest
from azure.ai.ml import MLClient
from azure.core.exceptions import ClientAuthenticationError
from azure.storage.blob import BlobClient

from tests.fakeml.tenants import EntraTenants, TenantCredential

TENANT_A, TENANT_B = "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11", "8c4e6a2f-1b3d-4f5a-9c7e-2d4f6a8b0c12"
SUB_A = "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01"


@pytest.fixture
def tenants() -> EntraTenants:
    tenants = EntraTenants()
    tenants.add_tenant(TENANT_A).add_registry("mlreg-a", subscription_id=SUB_A, resource_group="rg-a")
    tenants.add_tenant(TENANT_B)
    return tenants


def test_a_token_of_another_tenant_is_refused_before_any_state_is_touched(tenants: EntraTenants) -> None:
    stranger = TenantCredential(TENANT_B, name="sp-of-b")
    with pytest.raises(ClientAuthenticationError) as refused:
        MLClient(stranger, registry_name="mlreg-a", transport=tenants, retry_total=0)
    assert refused.value.status_code == 401
    assert refused.value.error.code == "InvalidAuthenticationTokenTenant"
    assert f"It must match the tenant 'https://sts.windows.net/{TENANT_A}/'" in refused.value.message
    (call,) = tenants.calls
    assert (call.token_tenant, call.owner_tenant, call.principal, call.status) == (
        TENANT_B, TENANT_A, stranger.object_id, 401)
    assert tenants.tenant(TENANT_A).requests == []
    # The registry's own tenant gets in.
    MLClient(TenantCredential(TENANT_A, name="sp-of-a"), registry_name="mlreg-a", transport=tenants, retry_total=0)
    assert [c.status for c in tenants.calls] == [401, 200]


def test_blobs_download_by_range_and_an_empty_blob_downloads_empty(tenants: EntraTenants) -> None:
    fake = tenants.tenant(TENANT_A)
    account = fake.registry("mlreg-a").storage_account
    sas = fake.service.blobs.issue(account, "models")
    url = f"https://{account}.blob.core.windows.net/models"
    content = bytes(range(256)) * 3
    for name, body in (("m/model.pkl", content), ("m/empty", b"")):
        BlobClient.from_blob_url(f"{url}/{name}?{sas}", transport=tenants, retry_total=0).upload_blob(body)
    blob = BlobClient.from_blob_url(f"{url}/m/model.pkl?{sas}", transport=tenants, retry_total=0)
    assert blob.download_blob().readall() == content
    assert blob.download_blob(offset=10, length=5).readall() == content[10:15]
    empty = BlobClient.from_blob_url(f"{url}/m/empty?{sas}", transport=tenants, retry_total=0)
    assert empty.download_blob().readall() == b""
    ranged = [r for r in fake.requests if r.method == "GET" and r.path.endswith("/m/model.pkl")]
    assert {r.status for r in ranged} == {206}
