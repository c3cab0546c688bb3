"""Two Entra tenants for promotion tests: a source registry in one, the promote stack's registry in the other.

The source registry is filled the way the source team would, through the real SDK with a
credential of the source tenant; post-deploy then runs with a reader of the source tenant and a
promoter of the target tenant, each a ``TenantCredential``, through one ``EntraTenants`` transport.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.ai.ml import MLClient, load_component, load_environment
from azure.ai.ml.entities import Data, Model

from postdeploy.apply import ApplyResult, apply_plan
from postdeploy.clients import ClientFactory
from postdeploy.context import StackContext, stack_context
from postdeploy.plan import Plan, inspect_plan
from postdeploy.promotion.identities import SourceClients
from postdeploy.retry import RetryPolicy
from postdeploy.session import Session
from postdeploy.targets import RegistrySite
from stacks.load import load_stack_file
from tests.fakeml import FakeAzureML, FakeRegistry
from tests.fakeml.tenants import EntraTenants, TenantCall, TenantCredential
from tests.postdeploy.conftest import FIXTURES

PROMOTE = Path(__file__).parent / "fixtures" / "promote"
SOURCE_TENANT = "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11"
TARGET_TENANT = "8c4e6a2f-1b3d-4f5a-9c7e-2d4f6a8b0c12"
SOURCE_SUB = "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01"
SOURCE_REGISTRY = "mlreg-source"
APPROVED = {"approved-for": "prod"}
SOURCE_ENV_URI = f"azureml://registries/{SOURCE_REGISTRY}/environments/base-env/versions/1"
MLMODEL = "flavors:\n  sklearn:\n    pickled_model: model.pkl\n    sklearn_version: 1.5.2\n"
TRAIN_PY = "import lib.features\nprint('train')\n"
MODEL_BYTES = bytes(range(256)) * 64  # the weights: binary, 16 KiB


def promote_context() -> StackContext:
    return stack_context(load_stack_file("promote", PROMOTE), project_dir=PROMOTE)


@dataclass
class TwoTenants:
    tenants: EntraTenants
    context: StackContext
    reader: TenantCredential = field(default_factory=lambda: TenantCredential(SOURCE_TENANT, name="sp-promote-reader"))
    promoter: TenantCredential = field(default_factory=lambda: TenantCredential(TARGET_TENANT, name="sp-ml-platform"))
    publisher: TenantCredential = field(default_factory=lambda: TenantCredential(SOURCE_TENANT, name="dev-publisher"))
    sleeps: list[float] = field(default_factory=list)  # retry backoffs
    poll_waits: list[float] = field(default_factory=list)  # waits between polls of long-running operations

    @property
    def source_fake(self) -> FakeAzureML:
        return self.tenants.tenant(SOURCE_TENANT)

    @property
    def target_fake(self) -> FakeAzureML:
        return self.tenants.tenant(TARGET_TENANT)

    @property
    def source(self) -> FakeRegistry:
        return self.source_fake.registry(SOURCE_REGISTRY)

    @property
    def target(self) -> FakeRegistry:
        return self.target_fake.registry(self.context.targets.registry.name)

    def session(self, *, source_credential: Any = None) -> Session:
        reader = source_credential or self.reader
        options = {"transport": self.tenants, "retry": RetryPolicy(sleep=self.sleeps.append, jitter=0),
                   "poll_sleep": self.poll_waits.append}
        return Session(self.context, ClientFactory(self.promoter, **options),
                       SourceClients(lambda tenant: reader, **options))

    def plan(self, **kwargs: Any) -> Plan:
        return inspect_plan(self.session(**kwargs), max_workers=4)

    def apply(self, **kwargs: Any) -> ApplyResult:
        session = self.session(**kwargs)
        return apply_plan(inspect_plan(session, max_workers=4), session, max_workers=4)

    def calls_by(self, credential: TenantCredential) -> list[TenantCall]:
        return self.tenants.by(credential.object_id)

    # --- what the source team did --------------------------------------------------------------
    def publisher_client(self) -> MLClient:
        # Through a client factory, so the SDK's own blob clients (uploads) reach the fake storage too.
        site = RegistrySite(SOURCE_REGISTRY, SOURCE_SUB, "rg-mlreg-source")
        return ClientFactory(self.publisher, transport=self.tenants, retry=RetryPolicy(sleep=self.sleeps.append),
                             poll_sleep=self.poll_waits.append).registry(site)

    def publish_environment(self, tags: dict[str, str] | None = None) -> None:
        env = load_environment(FIXTURES / "catalog" / "environments" / "base.yml")
        env.tags = dict(APPROVED if tags is None else tags)
        self.publisher_client().environments.create_or_update(env)

    def publish_component(self, tags: dict[str, str] | None = None) -> None:
        component = load_component(FIXTURES / "catalog" / "components" / "train.yml")
        component.environment = SOURCE_ENV_URI
        component.tags = dict(APPROVED if tags is None else tags)
        self.publisher_client().components.create_or_update(component)

    def publish_component_with_code(self) -> None:
        """The training component as the real catalog has it: its code in a local folder, uploaded."""
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "src" / "lib").mkdir(parents=True)
            (root / "src" / "train.py").write_text(TRAIN_PY)
            (root / "src" / "lib" / "features.py").write_text("COLUMNS = ['limit', 'age']\n")
            (root / "train.yml").write_text(
                "name: train_model\nversion: '1'\ntype: command\ncode: ./src\n"
                "environment: azureml:base-env:1\ncommand: python train.py\n")
            component = load_component(root / "train.yml")
            component.environment = SOURCE_ENV_URI
            component.tags = dict(APPROVED)
            self.publisher_client().components.create_or_update(component)

    def publish_data(self, files: dict[str, bytes], type: str = "uri_folder") -> None:
        with tempfile.TemporaryDirectory() as folder:
            for relative, content in files.items():
                (Path(folder) / relative).parent.mkdir(parents=True, exist_ok=True)
                (Path(folder) / relative).write_bytes(content)
            path = folder if type == "uri_folder" else str(Path(folder) / next(iter(files)))
            data = Data(name="credit-sample", version="3", path=path, type=type, tags=dict(APPROVED))
            self.publisher_client().data.create_or_update(data)

    def publish_model(self, stage: str | None = "Production", tags: dict[str, str] | None = None) -> None:
        """Model version 2 as the source's retraining shared it: MLflow files in the source registry's storage.

        Published again, only its stage and tags change, as the source team would change them in place
        (a version's files cannot change).
        """
        tags = dict(APPROVED if tags is None else tags)
        existing = self.source.assets.get(("models", "credit-default", "2"))
        if existing is not None:
            with self.source_fake.service.lock:
                existing["properties"]["tags"] = tags
                existing["properties"]["stage"] = stage
            return
        with tempfile.TemporaryDirectory() as folder:
            model = Path(folder) / "model"
            (model / "sub").mkdir(parents=True)
            (model / "MLmodel").write_text(MLMODEL)
            (model / "model.pkl").write_bytes(MODEL_BYTES)
            (model / "sub" / "requirements.txt").write_text("scikit-learn==1.5.2\n")
            entity = Model(name="credit-default", version="2", path=str(model), type="mlflow_model",
                           description="retrained", tags=tags, stage=stage)
            self.publisher_client().models.create_or_update(entity)


def two_tenants() -> TwoTenants:
    context = promote_context()
    tenants = EntraTenants()
    source = tenants.add_tenant(SOURCE_TENANT)
    source.add_registry(SOURCE_REGISTRY, subscription_id=SOURCE_SUB, resource_group="rg-mlreg-source")
    target = tenants.add_tenant(TARGET_TENANT)
    reg = context.targets.registry
    target.add_registry(reg.name, subscription_id=reg.subscription_id, resource_group=reg.resource_group)
    for site in context.targets.workspaces.values():
        target.add_workspace(site.subscription_id, site.resource_group, site.name, location=site.region)
    return TwoTenants(tenants, context)
