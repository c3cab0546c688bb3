"""The prod stack as written: the dev story's retrained model, its environment and its training component
come from the dev registry in the platform team's Entra tenant, and prod's own seeds, push and pull use them."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from azure.ai.ml import load_component, load_environment
from azure.ai.ml.entities import Model

from postdeploy.clients import ClientFactory
from postdeploy.context import stack_context
from postdeploy.operations import ApplyResult, Plan
from postdeploy.promotion.lineage import DIGEST_TAG, FROM_TAG, SOURCE_TENANT_TAG
from postdeploy.retry import RetryPolicy
from postdeploy.targets import RegistrySite
from stacks.load import PROJECT_DIR, load_stack_file
from tests.fakeml.tenants import EntraTenants, TenantCredential
from tests.postdeploy.promotion_world import TwoTenants

DEV_TENANT = "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11"
PROD_TENANT = "8c4e6a2f-1b3d-4f5a-9c7e-2d4f6a8b0c12"
DEV_REGISTRY = RegistrySite("mlreg-dev", "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01", "rg-mlreg-dev")
APPROVED = {"approved-for": "prod"}
MODEL_PATH = "azureml://subscriptions/s/resourcegroups/g/workspaces/w/datastores/workspaceblobstore/paths/credit/"


@dataclass
class ProdRun:
    world: TwoTenants
    first: ApplyResult  # the first apply
    second_plan: Plan  # the plan right after it


@pytest.fixture(scope="module")
def run() -> ProdRun:
    context = stack_context(load_stack_file("prod"), project_dir=PROJECT_DIR)
    tenants = EntraTenants()
    dev = tenants.add_tenant(DEV_TENANT)
    dev.add_registry(DEV_REGISTRY.name, subscription_id=DEV_REGISTRY.subscription_id,
                     resource_group=DEV_REGISTRY.resource_group)
    target = tenants.add_tenant(PROD_TENANT)
    reg = context.targets.registry
    target.add_registry(reg.name, subscription_id=reg.subscription_id, resource_group=reg.resource_group)
    for site in context.targets.workspaces.values():
        target.add_workspace(site.subscription_id, site.resource_group, site.name, location=site.region)
    world = TwoTenants(tenants, context, reader=TenantCredential(DEV_TENANT, name="sp-promote-reader"),
                       publisher=TenantCredential(DEV_TENANT, name="sp-ml-platform-dev"))
    _publish_dev_story(world)
    # Prod's tenant1 trained version 1 of the model in its own workspace; prod shares it.
    site = context.targets.workspace("tenant1/ws1")
    target.seed_workspace_asset(target.workspace(site.subscription_id, site.resource_group, site.name), "models",
                                "credit-card-default", "1", {"modelType": "mlflow_model", "modelUri": MODEL_PATH})
    tenants.calls.clear()
    first = world.apply()
    return ProdRun(world, first, world.plan())


def _publish_dev_story(world: TwoTenants) -> None:
    """What dev holds once tenant1's weekly retraining shared version 2 and the team approved it for prod."""
    dev = ClientFactory(world.publisher, transport=world.tenants, retry=RetryPolicy(sleep=world.sleeps.append),
                        poll_sleep=world.poll_waits.append).registry(DEV_REGISTRY)
    env = load_environment(PROJECT_DIR / "catalog" / "environments" / "sklearn.yml")
    env.tags = dict(APPROVED)
    dev.environments.create_or_update(env)
    component = load_component(PROJECT_DIR / "catalog" / "components" / "train.yml")
    component.environment = "azureml://registries/mlreg-dev/environments/sklearn-env/versions/1"
    component.tags = dict(APPROVED)
    dev.components.create_or_update(component)
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "model"
        model.mkdir()
        (model / "MLmodel").write_text("flavors:\n  sklearn:\n    pickled_model: model.pkl\n")
        (model / "model.pkl").write_bytes(b"\x80\x04gradient-boosted trees")
        dev.models.create_or_update(Model(name="credit-card-default", version="2", path=str(model),
                                          type="mlflow_model", stage="Production", tags=dict(APPROVED)))


def test_prod_apply_promotes_the_dev_story_then_seeds_pushes_and_pulls_with_it(run: ProdRun) -> None:
    prod = run.world
    outcomes = {f"{o.operation.kind.name} {o.operation.subject}": o for o in run.first.outcomes}
    failed = {key: o.message for key, o in outcomes.items() if o.status == "failed"}
    assert failed == {}
    target = prod.target_fake.registry("mlreg-prod")
    for kind, name, version in [("models", "credit-card-default", "2"), ("environments", "sklearn-env", "1"),
                                ("components", "train_tabular", "1")]:
        tags = target.asset(kind, name, version)["properties"]["tags"]
        assert tags[FROM_TAG] == f"azureml://registries/mlreg-dev/{kind}/{name}/versions/{version}"
        assert tags[SOURCE_TENANT_TAG] == DEV_TENANT and tags[DIGEST_TAG].startswith("sha256:")
    train = target.asset("components", "train_tabular", "1")["properties"]["componentSpec"]
    assert train["environment"] == "azureml://registries/mlreg-prod/environments/sklearn-env/versions/1"
    assert train["code"].startswith("azureml://registries/mlreg-prod/codes/")
    # Prod's own catalog components run in the promoted environment.
    score = target.asset("components", "score_tabular", "1")["properties"]["componentSpec"]
    assert score["environment"] == "azureml://registries/mlreg-prod/environments/sklearn-env/versions/1"
    assert outcomes["push online endpoint credit-default-prod <- model credit-card-default:2"].status == "done"
    # Nothing of dev was written, and prod's identity never reached dev.
    assert [c for c in prod.tenants.calls if c.owner_tenant == DEV_TENANT and c.method not in ("GET", "POST")] == []
    assert not [c for c in prod.calls_by(prod.promoter) if c.owner_tenant == DEV_TENANT]


def test_prod_plan_after_apply_skips_every_promotion(run: ProdRun) -> None:
    promotions = [op for op in run.second_plan.operations if op.kind.name == "promotion"]
    assert len(promotions) == 3
    assert all(op.action.value == "skip" and op.reason.startswith("promoted already from registry mlreg-dev")
               for op in promotions)
