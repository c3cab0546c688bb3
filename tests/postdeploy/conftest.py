"""A small stack (fixtures/Pulumi.test.yaml) against the fake Azure ML service, with the real SDK."""

from __future__ import annotations

import socket
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from marshmallow.warnings import Marshmallow4Warning

from postdeploy.apply import apply_plan
from postdeploy.clients import ClientFactory
from postdeploy.context import StackContext, stack_context
from postdeploy.operations import ApplyResult, Plan
from postdeploy.plan import inspect_plan
from postdeploy.retry import RetryPolicy
from postdeploy.session import Session
from stacks.load import load_stack_file
from stacks.model import PlatformConfig
from tests.fakeml import FakeAzureML, FakeCredential, FakeRegistry, FakeWorkspace

FIXTURES = Path(__file__).parent / "fixtures"
MODEL_PATH = "azureml://subscriptions/s/resourcegroups/g/workspaces/w/datastores/workspaceblobstore/paths/credit/"
DATA_PATH = "azureml://subscriptions/s/resourcegroups/g/workspaces/w/datastores/workspaceblobstore/paths/sample/"


@dataclass
class World:
    """The fake service holding the stack's registry and workspaces, and a way to run post-deploy on it."""

    fake: FakeAzureML
    context: StackContext
    sleeps: list[float] = field(default_factory=list)  # retry backoffs
    poll_waits: list[float] = field(default_factory=list)  # waits between polls of long-running operations

    @property
    def registry(self) -> FakeRegistry:
        return self.fake.registry(self.context.targets.registry.name)

    def workspace(self, ref: str) -> FakeWorkspace:
        site = self.context.targets.workspace(ref)
        return self.fake.workspace(site.subscription_id, site.resource_group, site.name)

    def session(self) -> Session:
        # A new session per run, like a new CLI invocation: nothing is cached between runs.
        return Session(self.context, self.factory())

    def factory(self) -> ClientFactory:
        return ClientFactory(FakeCredential(), transport=self.fake,
                             retry=RetryPolicy(sleep=self.sleeps.append, jitter=0), poll_sleep=self.poll_waits.append)

    def plan(self) -> Plan:
        return inspect_plan(self.session(), max_workers=4)

    def apply(self, *, prune: bool = False) -> ApplyResult:
        session = self.session()
        return apply_plan(inspect_plan(session, max_workers=4), session, max_workers=4, prune=prune)


@pytest.fixture(scope="session")
def cfg() -> PlatformConfig:
    return load_stack_file("test", FIXTURES)


@pytest.fixture(scope="session")
def context(cfg: PlatformConfig) -> StackContext:
    return stack_context(cfg, project_dir=FIXTURES)


def build_world(context: StackContext) -> World:
    fake = FakeAzureML()
    reg = context.targets.registry
    fake.add_registry(reg.name, subscription_id=reg.subscription_id, resource_group=reg.resource_group)
    for site in context.targets.workspaces.values():
        fake.add_workspace(site.subscription_id, site.resource_group, site.name, location=site.region)
    world = World(fake, context)
    source = world.workspace("tenant1/ws1")
    # What tenant1's own training run registered before the platform shares it.
    fake.seed_workspace_asset(source, "models", "credit-default", "1",
                              {"modelType": "mlflow_model", "modelUri": MODEL_PATH, "description": "credit"})
    fake.seed_workspace_asset(source, "data", "credit-sample", "1", {"dataType": "uri_folder", "dataUri": DATA_PATH})
    return world


@pytest.fixture
def world(context: StackContext) -> World:
    return build_world(context)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any request that bypasses the fake transport fails at once, and fails the test."""
    escaped: list[str] = []

    def refuse(host: object, *args: object, **kwargs: object) -> object:
        escaped.append(str(host))
        raise OSError(f"network access to {host} in a test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield escaped
    assert not escaped, f"requests left the fake transport for: {sorted(set(escaped))}"


@pytest.fixture(autouse=True)
def sdk_schema_deprecations() -> Iterator[None]:
    """azure-ai-ml's schemas use marshmallow APIs that marshmallow 4 drops; that is the SDK's to fix."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Marshmallow4Warning)
        yield
