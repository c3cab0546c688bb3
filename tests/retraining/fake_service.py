"""The fake Azure ML service set up for a stack: its registry and the workspaces that retrain."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from azure.ai.ml import MLClient
from azure.ai.ml.operations import _model_operations

from postdeploy.retraining.targets import RetrainingTarget, retraining_targets
from stacks.model import PlatformConfig
from tests.fakeml import FakeAzureML, FakeCredential, FakeRegistry, FakeWorkspace

# Where the dev workspaces live, as Pulumi would have created them.
REGIONS = {"tenant1/ws1": "westeurope", "tenant4/ws1": "eastus"}


def fake_for(cfg: PlatformConfig) -> tuple[FakeAzureML, FakeRegistry, dict[str, FakeWorkspace]]:
    fake = FakeAzureML()
    registry = fake.add_registry(
        cfg.registry.name, subscription_id=cfg.registry.subscription_id, resource_group=cfg.registry.resource_group
    )
    workspaces: dict[str, FakeWorkspace] = {}
    for target in retraining_targets(cfg):
        if target.workspace_ref not in workspaces:
            workspaces[target.workspace_ref] = fake.add_workspace(
                target.subscription_id, target.resource_group, target.workspace_name,
                location=REGIONS.get(target.workspace_ref, "westeurope"),
            )
    return fake, registry, workspaces


def workspace_client(fake: FakeAzureML, where: RetrainingTarget | FakeWorkspace) -> MLClient:
    name = where.name if isinstance(where, FakeWorkspace) else where.workspace_name
    return MLClient(
        FakeCredential(), where.subscription_id, where.resource_group, name,
        transport=fake, retry_total=0, show_progress=False, enable_telemetry=False,
    )


def registry_client(fake: FakeAzureML, name: str) -> MLClient:
    return MLClient(FakeCredential(), registry_name=name, transport=fake, retry_total=0, enable_telemetry=False)


@contextmanager
def share_reaches(fake: FakeAzureML):
    """``models.share`` builds its registry client with ``get_registry_client(credential, name)`` and
    drops the caller's client options; hand it the fake transport the way the caller's client has it."""
    original = _model_operations.get_registry_client

    def with_transport(credential: Any, registry_name: str, *args: Any, **kwargs: Any) -> Any:
        return original(credential, registry_name, *args, **{"transport": fake, "retry_total": 0, **kwargs})

    _model_operations.get_registry_client = with_transport
    try:
        yield
    finally:
        _model_operations.get_registry_client = original
