"""Promotion across Entra tenants against two fake tenants, with the real SDK on both sides."""

from __future__ import annotations

import pytest

from postdeploy.plan import Action, offline_plan
from postdeploy.promotion.lineage import (
    DIGEST_TAG,
    FROM_TAG,
    PROMOTED_AT_TAG,
    PROMOTED_BY_TAG,
    SOURCE_REGISTRY_TAG,
    SOURCE_TENANT_TAG,
    SOURCE_VERSION_TAG,
)
from stacks.load import load_stack_file
from tests.postdeploy.promotion_world import (
    PROMOTE,
    SOURCE_ENV_URI,
    SOURCE_REGISTRY,
    SOURCE_SUB,
    SOURCE_TENANT,
    TARGET_TENANT,
    TwoTenants,
    two_tenants,
)

TARGET_PREFIX = ("/subscriptions/0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d02/resourceGroups/rg-mlreg-target/providers/"
                 "Microsoft.MachineLearningServices/registries/mlreg-target")
SOURCE_PREFIX = (f"/subscriptions/{SOURCE_SUB}/resourceGroups/rg-mlreg-source/providers/"
                 f"Microsoft.MachineLearningServices/registries/{SOURCE_REGISTRY}")
ENV, COMPONENT, MODEL = "environment base-env:1", "component train_model:1", "model credit-default:2"


def promotions(plan_or_result: object) -> dict[str, object]:
    """Promotion operations (or outcomes) by the subject's asset part."""
    items = getattr(plan_or_result, "operations", None) or plan_or_result.outcomes  # type: ignore[attr-defined]
    found = {}
    for item in items:
        op = getattr(item, "operation", item)
        if op.kind.name == "promotion":
            found[op.subject.split(" from ")[0]] = item
    return found


@pytest.fixture
def world() -> TwoTenants:
    world = two_tenants()
    world.publish_environment()
    world.publish_component()
    world.publish_model(stage="Staging")  # not ready: its files would need blob transfers
    world.tenants.calls.clear()
    world.source_fake.clear_requests()
    return world


def test_offline_plan_shows_each_promotion_as_create_with_source_gate_and_target() -> None:
    plan = offline_plan(load_stack_file("promote", PROMOTE), PROMOTE)
    ops = promotions(plan)
    assert list(ops) == [MODEL, ENV, COMPONENT]
    assert all(op.action is Action.CREATE for op in ops.values())
    assert ops[MODEL].reason == (
        f"copy from registry {SOURCE_REGISTRY} (Entra tenant {SOURCE_TENANT}) as credit-default:2 in registry "
        "mlreg-target; gate stage Production, tag approved-for=prod: checked at apply/plan against the source")
    assert ops[ENV].provides == ("registry:environments/base-env/1",)
    # The catalog component and the pulls that need the promoted keys are not blocked.
    assert not plan.blocked


def test_the_prod_stack_promotes_the_dev_story_and_nothing_waits_in_vain() -> None:
    plan = offline_plan(load_stack_file("prod"))
    ops = {op.subject: op for op in plan.operations if op.kind.name == "promotion"}
    assert sorted(ops) == ["component train_tabular:1 from mlreg-dev", "environment sklearn-env:1 from mlreg-dev",
                           "model credit-card-default:2 from mlreg-dev"]
    assert "gate stage Production, tag approved-for=prod" in ops["model credit-card-default:2 from mlreg-dev"].reason
    assert not plan.blocked
    phases = [op.phase for op in plan.operations]
    assert phases == sorted(phases) and plan.operations[0].kind.name == "promotion"


def test_apply_copies_environment_and_component_with_lineage_digest_and_rewritten_environment(
    world: TwoTenants,
) -> None:
    result = world.apply()
    outcomes = promotions(result)
    assert outcomes[ENV].status == "done" and outcomes[COMPONENT].status == "done"
    assert outcomes[MODEL].status == "failed"

    source_env = world.source.asset("environments", "base-env", "1")["properties"]
    env = world.target.asset("environments", "base-env", "1")["properties"]
    assert (env["image"], env["condaFile"]) == (source_env["image"], source_env["condaFile"])
    tags = env["tags"]
    assert tags[FROM_TAG] == SOURCE_ENV_URI
    assert tags[SOURCE_REGISTRY_TAG] == SOURCE_PREFIX
    assert tags[SOURCE_TENANT_TAG] == SOURCE_TENANT
    assert tags[SOURCE_VERSION_TAG] == "1"
    assert tags[DIGEST_TAG].startswith("sha256:") and len(tags[DIGEST_TAG]) == 71
    assert tags[PROMOTED_BY_TAG] == f"sp-ml-platform (oid {world.promoter.object_id})"
    assert tags[PROMOTED_AT_TAG].endswith("+00:00")
    assert tags["approved-for"] == "prod"  # the source's own tags come along
    assert tags[DIGEST_TAG] in outcomes[ENV].message

    component = world.target.asset("components", "train_model", "1")["properties"]
    assert component["componentSpec"]["environment"] == "azureml://registries/mlreg-target/environments/base-env/versions/1"
    assert component["tags"][FROM_TAG] == f"azureml://registries/{SOURCE_REGISTRY}/components/train_model/versions/1"

    # What the target side sent for the environment: one PUT of the version, with the lineage in its body.
    env_path = f"{TARGET_PREFIX}/environments/base-env/versions/1"
    (put,) = [r for r in world.target_fake.writes() if r.resource_path == env_path]
    assert put.api_version == "2021-10-01-dataplanepreview"
    assert put.body["properties"]["tags"][DIGEST_TAG] == tags[DIGEST_TAG]
    assert put.body["properties"]["image"] == source_env["image"]
    # The component waited for the environment it now runs in, and the catalog component too.
    order = [r.resource_path for r in world.target_fake.writes() if "/versions/" in r.resource_path
             and "tempdatarefs" not in r.resource_path]
    assert order.index(f"{TARGET_PREFIX}/environments/base-env/versions/1") < order.index(
        f"{TARGET_PREFIX}/components/train_model/versions/1")
    assert order.index(f"{TARGET_PREFIX}/environments/base-env/versions/1") < order.index(
        f"{TARGET_PREFIX}/components/evaluate_model/versions/1")


def test_the_source_credential_only_reads_and_the_target_credential_never_reaches_the_source(
    world: TwoTenants,
) -> None:
    world.apply()
    source_calls = world.calls_by(world.reader)
    assert source_calls, "the source was read"
    assert {c.method for c in source_calls} == {"GET"}
    assert {(c.token_tenant, c.owner_tenant) for c in source_calls} == {(SOURCE_TENANT, SOURCE_TENANT)}
    assert all(SOURCE_REGISTRY in c.path for c in source_calls)
    target_calls = world.calls_by(world.promoter)
    assert {c.owner_tenant for c in target_calls} == {TARGET_TENANT}
    assert not [c for c in target_calls if SOURCE_REGISTRY in c.path]
    assert world.source_fake.writes() == []


def test_a_second_apply_copies_nothing(world: TwoTenants) -> None:
    world.apply()
    world.target_fake.clear_requests()
    plan = world.plan()
    ops = promotions(plan)
    assert ops[ENV].action is Action.SKIP and ops[COMPONENT].action is Action.SKIP
    assert ops[ENV].reason.startswith(f"promoted already from registry {SOURCE_REGISTRY}")
    assert "sha256:" in ops[ENV].reason
    world.apply()
    assert world.target_fake.writes() == []


def test_the_gate_blocks_with_every_failing_condition_and_nothing_is_copied(world: TwoTenants) -> None:
    world.publish_model(stage="Staging", tags={"approved-for": "test"})
    ops = promotions(world.plan())
    assert ops[MODEL].action is Action.BLOCKED
    assert ops[MODEL].reason == "gate not passed: stage is Staging, not Production; tag approved-for is test, not prod"
    world.publish_model(stage=None, tags={})
    ops = promotions(world.plan())
    assert ops[MODEL].reason == (
        "gate not passed: stage is not set, not Production; tag approved-for is not set (needs prod)")
    world.apply()
    assert world.target.asset("models", "credit-default", "2") is None
    assert not world.target_fake.find("PUT", "/models/")


def test_an_environment_without_approval_blocks_the_component_that_runs_in_it(world: TwoTenants) -> None:
    # Registry tags can change after creation (the version itself cannot): the source withdrew approval.
    with world.source_fake.service.lock:
        world.source.assets[("environments", "base-env", "1")]["properties"]["tags"] = {"approved-for": "staging"}
    plan = world.plan()
    ops = promotions(plan)
    assert ops[ENV].action is Action.BLOCKED and "tag approved-for is staging, not prod" in ops[ENV].reason
    assert ops[COMPONENT].action is Action.BLOCKED
    assert ops[COMPONENT].reason == (
        f"needs promotion {ENV} from {SOURCE_REGISTRY} in registry mlreg-target, which is blocked")
    world.apply()
    assert not world.target_fake.find("PUT", "/environments/") and not world.target_fake.find("PUT", "/train_model/")


def test_a_target_version_created_otherwise_is_a_conflict_never_overwritten(world: TwoTenants) -> None:
    with world.target_fake.service.lock:
        world.target.assets[("environments", "base-env", "1")] = world.target_fake.service.version_resource(
            world.target.asset_id("environments", "base-env", "1"), "environments", "1",
            {"image": "mcr.microsoft.com/azureml/minimal-ubuntu22.04-py311-cpu-inference:latest", "tags": {}})
    before = world.target.asset("environments", "base-env", "1")
    ops = promotions(world.plan())
    assert ops[ENV].action is Action.BLOCKED
    assert ops[ENV].reason == (
        "conflict: environment base-env:1 in registry mlreg-target already exists and was not created by a "
        "promotion; registry versions are immutable, so it is never overwritten: promote with targetVersion: "
        "next, or promote another version")
    world.apply()
    assert world.target.asset("environments", "base-env", "1") == before
    assert not world.target_fake.find("PUT", "/environments/base-env/")


def test_a_promoted_copy_whose_digest_differs_from_the_source_is_a_conflict(world: TwoTenants) -> None:
    world.apply()
    with world.target_fake.service.lock:
        world.target.assets[("environments", "base-env", "1")]["properties"]["tags"][DIGEST_TAG] = "sha256:" + "0" * 64
    ops = promotions(world.plan())
    assert ops[ENV].action is Action.BLOCKED
    assert ops[ENV].reason.startswith(
        "conflict: environment base-env:1 in registry mlreg-target already exists and holds digest "
        f"sha256:{'0' * 64}, the source now digests to sha256:")


def test_a_source_version_that_vanished_blocks_the_plan_and_fails_the_apply_without_a_trace(
    world: TwoTenants,
) -> None:
    with world.source_fake.service.lock:
        del world.source.assets[("models", "credit-default", "2")]
    ops = promotions(world.plan())
    assert ops[MODEL].action is Action.BLOCKED
    assert ops[MODEL].reason == (
        f"the source version is gone: credit-default:2 is not in registry {SOURCE_REGISTRY} (Entra tenant "
        f"{SOURCE_TENANT}); nothing to copy")

    # Gone between plan and apply: the apply fails that promotion and creates nothing for it.
    session = world.session()
    from postdeploy.apply import apply_plan
    from postdeploy.plan import inspect_plan

    planned = inspect_plan(session)
    with world.source_fake.service.lock:
        del world.source.assets[("environments", "base-env", "1")]
    result = apply_plan(planned, world.session())
    outcomes = promotions(result)
    assert outcomes[ENV].status == "failed"
    assert outcomes[ENV].message.startswith("the source version is gone: base-env:1")
    assert outcomes[COMPONENT].message.startswith(f"not attempted: needs promotion {ENV}")
    assert world.target.asset("environments", "base-env", "1") is None
    assert world.target.asset("components", "train_model", "1") is None


def test_a_token_of_the_wrong_tenant_is_refused_like_azure_does(world: TwoTenants) -> None:
    # The target's credential handed to the source side: the source tenant refuses every token.
    ops = promotions(world.plan(source_credential=world.promoter))
    assert all(op.action is Action.BLOCKED for op in ops.values())
    assert ops[ENV].reason.startswith("could not read the current state: 401 InvalidAuthenticationTokenTenant: "
                                      "The access token is from the wrong issuer")
    refused = [c for c in world.tenants.calls if c.status == 401]
    assert refused and {(c.token_tenant, c.owner_tenant) for c in refused} == {(TARGET_TENANT, SOURCE_TENANT)}
    assert world.source_fake.requests == [] and world.target_fake.writes() == []


def test_the_cli_applies_promotions_with_a_credential_per_side(world: TwoTenants) -> None:
    from typer.testing import CliRunner

    from postdeploy.cli import app
    from postdeploy.clients import ClientFactory
    from postdeploy.promotion.identities import SourceClients
    from postdeploy.retry import RetryPolicy

    obj = {"project_dir": PROMOTE,
           "factory": ClientFactory(world.promoter, transport=world.tenants,
                                    retry=RetryPolicy(sleep=world.sleeps.append, jitter=0)),
           "sources": SourceClients(lambda tenant: world.reader, transport=world.tenants,
                                    retry=RetryPolicy(sleep=world.sleeps.append, jitter=0)),
           }
    result = CliRunner().invoke(app, ["apply", "--stack", "promote", "--max-workers", "4"], obj=obj)
    assert result.exit_code == 1  # the model's gate is not passed
    failures = [line for line in result.output.splitlines() if line.startswith("failed ")]
    assert failures == [
        f"failed promotion {MODEL} from {SOURCE_REGISTRY} in registry mlreg-target: blocked: gate not passed: "
        "stage is Staging, not Production",
        "failed push online endpoint credit-online <- model credit-default:2 in workspace tenant1/ws1: blocked: "
        f"needs promotion {MODEL} from {SOURCE_REGISTRY} in registry mlreg-target, which is blocked",
    ]
    assert "3 done, 2 unchanged, 2 failed" in result.output
    assert {c.method for c in world.calls_by(world.reader)} == {"GET"}


def test_throttled_source_reads_are_retried_after_the_time_asked(world: TwoTenants) -> None:
    from tests.fakeml import Fault

    world.source_fake.inject(Fault.throttled(retry_after=2, method="GET", path_contains="/environments/base-env/"))
    result = world.apply()
    assert promotions(result)[ENV].status == "done"
    assert 2.0 in world.sleeps
    assert [r.status for r in world.source_fake.find("GET", "/environments/base-env/")][:2] == [429, 200]


def test_a_source_read_refused_blocks_only_what_depends_on_it(world: TwoTenants) -> None:
    from tests.fakeml import Fault

    world.publish_model()  # ready now, but its read is refused below along with the environment's
    world.source_fake.inject(Fault.forbidden("/environments/base-env/", method="GET"))
    ops = promotions(world.plan())
    assert ops[ENV].action is Action.BLOCKED
    assert ops[ENV].reason.startswith("could not read the current state: 403 AuthorizationFailed: The client does "
                                      "not have authorization")
    assert ops[COMPONENT].action is Action.BLOCKED and "which is blocked" in ops[COMPONENT].reason
    assert ops[MODEL].action is Action.CREATE


def test_a_failed_create_leaves_no_version_and_its_dependents_are_not_attempted(world: TwoTenants) -> None:
    from tests.fakeml import Fault

    world.target_fake.inject(Fault(status=400, code="UserError", message="Image build definition is invalid",
                                   method="PUT", path_contains="/environments/base-env/versions/1", times=None))
    result = world.apply()
    outcomes = promotions(result)
    assert outcomes[ENV].status == "failed"
    assert outcomes[ENV].message == "400 UserError: Image build definition is invalid"
    assert outcomes[COMPONENT].message.startswith(f"not attempted: needs promotion {ENV}")
    assert world.target.asset("environments", "base-env", "1") is None
    assert world.target.asset("components", "train_model", "1") is None


def test_a_version_created_by_someone_else_after_the_plan_is_a_conflict_at_apply(world: TwoTenants) -> None:
    from postdeploy.apply import apply_plan
    from postdeploy.plan import inspect_plan

    planned = inspect_plan(world.session())
    other = {"image": "mcr.microsoft.com/azureml/minimal-ubuntu22.04-py311-cpu-inference:latest", "tags": {}}
    with world.target_fake.service.lock:
        world.target.assets[("environments", "base-env", "1")] = world.target_fake.service.version_resource(
            world.target.asset_id("environments", "base-env", "1"), "environments", "1", other)
    result = apply_plan(planned, world.session())
    outcome = promotions(result)[ENV]
    assert outcome.status == "failed"
    assert outcome.message.startswith("conflict: environment base-env:1 in registry mlreg-target already exists and "
                                      "was not created by a promotion")
    assert world.target.asset("environments", "base-env", "1")["properties"]["image"] == other["image"]
    assert not world.target_fake.find("PUT", "/environments/base-env/versions/")


def test_target_version_next_takes_the_next_free_number_and_finds_it_again_by_lineage(tmp_path) -> None:
    import shutil

    import yaml

    from postdeploy.context import stack_context
    from tests.postdeploy.promotion_world import TwoTenants

    shutil.copytree(PROMOTE, tmp_path, dirs_exist_ok=True)
    stack_file = tmp_path / "Pulumi.promote.yaml"
    document = yaml.safe_load(stack_file.read_text())
    document["config"]["ml-tenancy:promotions"][0]["targetVersion"] = "next"
    stack_file.write_text(yaml.safe_dump(document, sort_keys=False))
    base = two_tenants()
    world = TwoTenants(base.tenants, stack_context(load_stack_file("promote", tmp_path), project_dir=tmp_path))
    world.publish_environment()
    world.publish_component()
    world.publish_model(stage="Staging")
    # The target registry already has base-env:1, made there by hand: next is 2.
    with world.target_fake.service.lock:
        world.target.assets[("environments", "base-env", "1")] = world.target_fake.service.version_resource(
            world.target.asset_id("environments", "base-env", "1"), "environments", "1",
            {"image": "mcr.microsoft.com/azureml/minimal-ubuntu22.04-py311-cpu-inference:latest", "tags": {}})

    offline = promotions(offline_plan(world.context.config, tmp_path))
    assert "as the next free version in registry mlreg-target" in offline[ENV].reason
    plan = world.plan()
    ops = {op.subject: op for op in plan.operations if op.kind.name == "promotion"}
    env = ops[f"{ENV} from {SOURCE_REGISTRY} as base-env:2"]
    assert env.action is Action.CREATE and env.provides == ("registry:environments/base-env/2",)
    component = ops[f"{COMPONENT} from {SOURCE_REGISTRY} as train_model:1"]
    assert component.requires == ("registry:environments/base-env/2",)

    world.apply()
    assert world.target.asset("environments", "base-env", "2")["properties"]["tags"][FROM_TAG] == SOURCE_ENV_URI
    spec = world.target.asset("components", "train_model", "1")["properties"]["componentSpec"]
    assert spec["environment"] == "azureml://registries/mlreg-target/environments/base-env/versions/2"
    world.target_fake.clear_requests()
    again = promotions(world.plan())
    assert again[ENV].action is Action.SKIP and again[COMPONENT].action is Action.SKIP
    world.apply()
    assert world.target_fake.writes() == []


def source_reads_only(world: TwoTenants) -> None:
    """Every request of the source credential is a GET, or the registry's read-SAS action on the source."""
    for call in world.calls_by(world.reader):
        assert call.method == "GET" or (call.method == "POST" and "/datarefs/" in call.path), call
        assert call.owner_tenant == SOURCE_TENANT and SOURCE_REGISTRY in call.path


def test_a_model_is_downloaded_digested_uploaded_and_served_from_the_target_only(world: TwoTenants) -> None:
    import hashlib

    from postdeploy.promotion.digest import content_digest
    from tests.postdeploy.promotion_world import MLMODEL, MODEL_BYTES

    world.publish_model(stage="Production")  # approved now
    world.tenants.calls.clear()
    result = world.apply()
    outcomes = promotions(result)
    assert outcomes[MODEL].status == "done", outcomes[MODEL].message
    assert outcomes[MODEL].message.endswith(", 3 file(s))")

    model = world.target.asset("models", "credit-default", "2")["properties"]
    target_storage = world.target.storage_account
    assert model["modelUri"].startswith(f"https://{target_storage}.blob.core.windows.net/")
    assert (model["modelType"], model["stage"], model["description"]) == ("mlflow_model", "Production", "retrained")
    # The target's blobs hold the source's bytes, path for path.
    container = model["modelUri"].split("/")[3]
    blobs = world.target_fake.service.blobs.blobs(target_storage, container)
    by_path = {name.split("/", 1)[1]: blob.content for name, blob in blobs.items()}
    assert by_path == {"MLmodel": MLMODEL.encode(), "model.pkl": MODEL_BYTES,
                       "sub/requirements.txt": b"scikit-learn==1.5.2\n"}
    # The digest tag is the digest of exactly those files and the model's type.
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        for relative, content in by_path.items():
            (Path(folder) / relative).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / relative).write_bytes(content)
        expected = content_digest({"kind": "models", "type": "mlflow_model"}, Path(folder))
    assert model["tags"][DIGEST_TAG] == expected
    assert hashlib.sha256(MODEL_BYTES).hexdigest() not in expected  # a digest of the whole, not of one file

    # Source side: discovery, GETs, the read-SAS action and blob reads; the blob reads carry no token.
    source_reads_only(world)
    (dataref,) = [r for r in world.source_fake.requests if "/datarefs/" in r.path]
    assert dataref.api_version == "2021-10-01-dataplanepreview"
    assert dataref.body["assetId"] == f"azureml://registries/{SOURCE_REGISTRY}/models/credit-default/versions/2"
    source_blob_reads = [c for c in world.tenants.calls if "blob.core.windows.net" in c.path
                         and c.owner_tenant == SOURCE_TENANT]
    assert source_blob_reads and {c.method for c in source_blob_reads} == {"GET"}
    assert {c.principal for c in source_blob_reads} == {None}
    # Target side: the files went to the target's storage, then one PUT created the version.
    target_blob_writes = [c for c in world.tenants.calls if "blob.core.windows.net" in c.path and c.method == "PUT"]
    assert target_blob_writes and {c.owner_tenant for c in target_blob_writes} == {TARGET_TENANT}
    (put,) = [r for r in world.target_fake.writes() if r.resource_path.endswith("/models/credit-default/versions/2")]
    assert put.body["properties"]["tags"][FROM_TAG] == f"azureml://registries/{SOURCE_REGISTRY}/models/credit-default/versions/2"
    # The push of the promoted model ran after it, and deploys it from the target registry.
    push = next(o for o in result.outcomes if o.operation.kind.name == "push")
    assert push.status == "done"
    deployment = world.target_fake.workspace(*_site(world)).child("onlineEndpoints", "credit-online", "deployments",
                                                                  "credit-default-v2")
    assert deployment["properties"]["model"] == "azureml://registries/mlreg-target/models/credit-default/versions/2"


def _site(world: TwoTenants) -> tuple[str, str, str]:
    site = world.context.targets.workspace("tenant1/ws1")
    return site.subscription_id, site.resource_group, site.name


def test_a_model_whose_files_vanished_from_the_source_is_not_copied(world: TwoTenants) -> None:
    world.publish_model(stage="Production")
    uri = world.source.asset("models", "credit-default", "2")["properties"]["modelUri"]
    account, container = uri.split("/")[2].split(".")[0], uri.split("/")[3]
    with world.source_fake.service.blobs.lock:
        world.source_fake.service.blobs.containers[(account, container)].clear()
    outcome = promotions(world.apply())[MODEL]
    assert outcome.status == "failed"
    assert outcome.message == f"model credit-default:2: no files under {uri}"
    assert world.target.asset("models", "credit-default", "2") is None
    assert not world.target_fake.find("PUT", "/models/credit-default/versions/2")


def test_a_promoted_model_whose_content_differs_from_the_source_now_is_a_conflict(world: TwoTenants) -> None:
    world.publish_model(stage="Production")
    world.apply()
    # The source's file changed under the same version (what a digest mismatch means).
    uri = world.source.asset("models", "credit-default", "2")["properties"]["modelUri"]
    account, container = uri.split("/")[2].split(".")[0], uri.split("/")[3]
    with world.source_fake.service.blobs.lock:
        blobs = world.source_fake.service.blobs.containers[(account, container)]
        next(blob for name, blob in blobs.items() if name.endswith("model.pkl")).content = b"other weights"
    world.target_fake.clear_requests()
    op = promotions(world.plan())[MODEL]
    assert op.action is Action.BLOCKED
    assert "already exists and holds digest sha256:" in op.reason and "the source now digests to sha256:" in op.reason
    world.apply()
    assert not world.target_fake.writes()


@pytest.mark.parametrize("answer", ["409", "400", "200-keeps-old"])
def test_a_version_created_just_before_our_create_is_a_conflict_whatever_azure_answers(
    world: TwoTenants, answer: str,
) -> None:
    """Azure has been seen to answer a create of an existing registry version with 409, 400, or 200
    keeping the old version; the read-back decides, so each ends as the same conflict."""
    fake = world.target_fake
    fake.service.version_conflict = answer
    other = {"image": "mcr.microsoft.com/azureml/minimal-ubuntu22.04-py311-cpu-inference:latest", "tags": {}}
    send = fake.send

    def another_writer_first(request, **kwargs):  # lands between our last read and our PUT
        if request.method == "PUT" and request.url.split("?")[0].endswith("/environments/base-env/versions/1"):
            with fake.service.lock:
                if ("environments", "base-env", "1") not in world.target.assets:
                    world.target.assets[("environments", "base-env", "1")] = fake.service.version_resource(
                        world.target.asset_id("environments", "base-env", "1"), "environments", "1", other)
        return send(request, **kwargs)

    fake.send = another_writer_first  # type: ignore[method-assign]
    outcome = promotions(world.apply())[ENV]
    assert outcome.status == "failed"
    # What Azure answered leads the message when it refused; the read-back's verdict follows.
    prefix = {"409": "409 Conflict: ", "400": "400 UserError: ", "200-keeps-old": ""}[answer]
    assert outcome.message.startswith(f"{prefix}conflict: environment base-env:1 in registry mlreg-target already "
                                      "exists and was not created by a promotion"), outcome.message
    assert world.target.asset("environments", "base-env", "1")["properties"]["image"] == other["image"]


def test_a_component_with_code_is_copied_with_its_code_into_the_target_registry(world: TwoTenants) -> None:
    from tests.postdeploy.promotion_world import TRAIN_PY

    with world.source_fake.service.lock:
        del world.source.assets[("components", "train_model", "1")]
    world.publish_component_with_code()
    outcome = promotions(world.apply())[COMPONENT]
    assert outcome.status == "done" and outcome.message.endswith(", 2 file(s))"), outcome.message
    spec = world.target.asset("components", "train_model", "1")["properties"]["componentSpec"]
    assert spec["code"].startswith("azureml://registries/mlreg-target/codes/")
    assert spec["environment"] == "azureml://registries/mlreg-target/environments/base-env/versions/1"
    code_name = spec["code"].split("/codes/")[1].split("/")[0]
    code_uri = world.target.asset("codes", code_name, "1")["properties"]["codeUri"]
    assert code_uri.startswith(f"https://{world.target.storage_account}.blob.core.windows.net/")
    account, container = code_uri.split("/")[2].split(".")[0], code_uri.split("/")[3]
    contents = {name.rsplit("/src/", 1)[-1] if "/src/" in name else name.split("/", 1)[-1]: blob.content
                for name, blob in world.target_fake.service.blobs.blobs(account, container).items()}
    assert TRAIN_PY.encode() in contents.values()
    assert b"COLUMNS = ['limit', 'age']\n" in contents.values()
    source_reads_only(world)


@pytest.mark.parametrize("data_type", ["uri_folder", "uri_file"])
def test_data_is_copied_file_for_file(world: TwoTenants, tmp_path, data_type: str) -> None:
    import shutil

    import yaml

    from postdeploy.context import stack_context
    from tests.postdeploy.promotion_world import TwoTenants as World

    files = {"part-0.csv": b"limit,age,default\n1000,30,0\n", "nested/part-1.csv": b"limit,age,default\n9,99,1\n"}
    if data_type == "uri_file":
        files = {"credit.csv": files["part-0.csv"]}
    world.publish_data(files, data_type)
    shutil.copytree(PROMOTE, tmp_path, dirs_exist_ok=True)
    stack_file = tmp_path / "Pulumi.promote.yaml"
    raw = yaml.safe_load(stack_file.read_text())
    raw["config"]["ml-tenancy:promotions"][0]["assets"] = [{"data": "credit-sample", "version": "3"}]
    stack_file.write_text(yaml.safe_dump(raw, sort_keys=False))
    only_data = World(world.tenants, stack_context(load_stack_file("promote", tmp_path), project_dir=tmp_path))
    outcome = promotions(only_data.apply())["data credit-sample:3"]
    assert outcome.status == "done" and outcome.message.endswith(f", {len(files)} file(s))"), outcome.message
    data = world.target.asset("data", "credit-sample", "3")["properties"]
    assert data["dataType"] == data_type
    account, container = data["dataUri"].split("/")[2].split(".")[0], data["dataUri"].split("/")[3]
    copied = sorted(blob.content for blob in world.target_fake.service.blobs.blobs(account, container).values())
    assert copied == sorted(files.values())
    assert data["tags"][SOURCE_VERSION_TAG] == "3"


def test_an_environment_whose_image_is_in_a_container_registry_is_blocked_not_pulled_from_dev(
    world: TwoTenants,
) -> None:
    image = "mlregsourceacr.azurecr.io/azureml/base-env:1"
    with world.source_fake.service.lock:
        props = world.source.assets[("environments", "base-env", "1")]["properties"]
        props["image"], props["condaFile"] = image, None
    op = promotions(world.plan())[ENV]
    assert op.action is Action.BLOCKED
    assert op.reason.startswith(f"its image {image} is in a container registry of the source side")


def test_an_environment_with_a_build_context_is_rebuilt_from_that_context_in_the_target(world: TwoTenants) -> None:
    import tempfile
    from pathlib import Path

    from azure.ai.ml.entities import BuildContext, Environment

    dockerfile = b"FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04\nRUN pip install scikit-learn==1.5.2\n"
    with world.source_fake.service.lock:
        del world.source.assets[("environments", "base-env", "1")]
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "Dockerfile").write_bytes(dockerfile)
        env = Environment(name="base-env", version="1", build=BuildContext(path=folder), tags={"approved-for": "prod"})
        world.publisher_client().environments.create_or_update(env)
    outcome = promotions(world.apply())[ENV]
    assert outcome.status == "done" and outcome.message.endswith(", 1 file(s))"), outcome.message
    build = world.target.asset("environments", "base-env", "1")["properties"]["build"]
    account = world.target.storage_account
    assert build["contextUri"].startswith(f"https://{account}.blob.core.windows.net/")
    container = build["contextUri"].split("/")[3]
    assert [b.content for b in world.target_fake.service.blobs.blobs(account, container).values()] == [dockerfile]
    source_reads_only(world)
