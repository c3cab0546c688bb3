"""The parts of a promotion that need no service: the gate, the digest, the promoting identity, credentials."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from azure.identity import ClientSecretCredential, DefaultAzureCredential, WorkloadIdentityCredential

from postdeploy.promotion.digest import content_digest
from postdeploy.promotion.gate import check_gate, describe_gate
from postdeploy.promotion.identities import TenantPinnedCredential, source_credential, target_credential
from postdeploy.promotion.lineage import promoting_identity
from stacks.promotion import Gate
from tests.fakeml import FakeCredential
from tests.fakeml.tenants import TenantCredential

TENANT = "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11"


def test_the_gate_names_every_condition_that_fails() -> None:
    gate = Gate(stage="Production", tags={"approved-for": "prod", "reviewed": "yes"})
    model = SimpleNamespace(stage="production", tags={"approved-for": "prod", "reviewed": "yes"})
    assert check_gate(gate, "models", model).ready  # stages compare as people read them
    assert describe_gate(gate) == "stage Production, tag approved-for=prod, tag reviewed=yes"
    result = check_gate(gate, "models", SimpleNamespace(stage="Archived", tags={"reviewed": "no"}))
    assert not result.ready
    assert result.reason == ("gate not passed: stage is Archived, not Production; tag approved-for is not set "
                             "(needs prod); tag reviewed is no, not yes")
    # Only models have a stage: an environment never passes a stage condition.
    assert not check_gate(Gate(stage="Production"), "environments", SimpleNamespace(stage="Production", tags={})).ready


def test_the_digest_covers_definition_paths_and_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "model.pkl").write_bytes(b"weights")
    (tmp_path / "MLmodel").write_text("flavors: {}")
    first = content_digest({"type": "mlflow_model"}, tmp_path)
    assert first == content_digest({"type": "mlflow_model"}, tmp_path)
    assert first.startswith("sha256:") and len(first) == 71
    assert first != content_digest({"type": "custom_model"}, tmp_path)
    (tmp_path / "a" / "model.pkl").write_bytes(b"weightz")
    assert first != content_digest({"type": "mlflow_model"}, tmp_path)
    (tmp_path / "a" / "model.pkl").rename(tmp_path / "a" / "model2.pkl")
    assert content_digest({"type": "mlflow_model"}, tmp_path) != first


def test_the_promoting_identity_comes_from_the_target_tokens_claims() -> None:
    credential = TenantCredential(TENANT, name="sp-ml-platform", object_id="1234")
    assert promoting_identity(credential) == "sp-ml-platform (oid 1234)"
    assert promoting_identity(FakeCredential()) == "unknown"  # not a JWT: promoted, just unnamed


def test_source_credentials_come_from_their_own_variables_and_always_name_the_source_tenant(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("oidc")
    federated = source_credential(
        TENANT, {"MLT_SOURCE_CLIENT_ID": "app", "MLT_SOURCE_FEDERATED_TOKEN_FILE": str(token_file)})
    assert isinstance(federated, WorkloadIdentityCredential)
    secret = source_credential(TENANT, {"MLT_SOURCE_CLIENT_ID": "app", "MLT_SOURCE_CLIENT_SECRET": "s"})
    assert isinstance(secret, ClientSecretCredential) and secret._tenant_id == TENANT
    # AZURE_* variables are the target side's; they never choose the source identity.
    fallback = source_credential(TENANT, {"AZURE_CLIENT_ID": "target-app", "AZURE_CLIENT_SECRET": "t"})
    assert isinstance(fallback, TenantPinnedCredential) and fallback.tenant_id == TENANT
    assert isinstance(fallback._credential, DefaultAzureCredential)


def test_a_pinned_credential_asks_for_tokens_of_its_tenant() -> None:
    inner = TenantCredential(TENANT, name="guest-user")
    pinned = TenantPinnedCredential(inner, TENANT)
    pinned.get_token("https://management.azure.com/.default")
    pinned.get_token_info("https://management.azure.com/.default")
    assert inner.tokens == [TENANT, TENANT]


@pytest.mark.parametrize("stage", [None, ""])
def test_a_model_without_stage_fails_a_stage_gate(stage: str | None) -> None:
    result = check_gate(Gate(stage="Production"), "models", SimpleNamespace(stage=stage, tags=None))
    assert result.reason == "gate not passed: stage is not set, not Production"


def test_the_target_credential_of_a_promoting_stack_asks_for_its_own_tenant() -> None:
    pinned = target_credential("8c4e6a2f-1b3d-4f5a-9c7e-2d4f6a8b0c12")
    assert isinstance(pinned, TenantPinnedCredential)
    assert pinned.tenant_id == "8c4e6a2f-1b3d-4f5a-9c7e-2d4f6a8b0c12"
    assert isinstance(pinned._credential, DefaultAzureCredential)
