"""The real dev catalog seeds against the fake: environments, code uploads to the registry's blob
storage through a SAS, code versions and components, asserted request by request."""

from __future__ import annotations

from pathlib import Path

import pytest

from postdeploy.context import stack_context
from postdeploy.operations import Action
from stacks.load import PROJECT_DIR, load_stack_file
from tests.fakeml import FakeAzureML
from tests.postdeploy.conftest import World

DATAPLANE = "2021-10-01-dataplanepreview"


@pytest.fixture
def dev_world() -> World:
    context = stack_context(load_stack_file("dev"), project_dir=PROJECT_DIR)
    fake = FakeAzureML()
    reg = context.targets.registry
    fake.add_registry(reg.name, subscription_id=reg.subscription_id, resource_group=reg.resource_group)
    for site in context.targets.workspaces.values():
        fake.add_workspace(site.subscription_id, site.resource_group, site.name, location=site.region)
    return World(fake, context)


def _catalog_outcomes(result) -> dict[str, str]:
    return {o.operation.subject: o.status for o in result.outcomes
            if o.operation.kind.name in ("environment", "component")}


def test_the_real_catalog_seeds_with_its_code_uploaded_through_the_registry_sas(dev_world: World) -> None:
    result = dev_world.apply()
    assert _catalog_outcomes(result) == {
        "sklearn-env:1": "done", "train_tabular:1": "done", "score_tabular:1": "done", "register_model:1": "done"}
    fake, registry = dev_world.fake, dev_world.registry
    source = PROJECT_DIR / "catalog" / "components" / "src"
    files = sorted(p.name for p in source.iterdir() if p.is_file())

    codes = fake.find("PUT", "/codes/")
    assert len(codes) == 3 and all(r.api_version == DATAPLANE for r in codes)  # one per component
    for code in codes:
        name, version = code.resource_path.split("/codes/")[1].split("/versions/")
        # The SAS was asked for this very code version, and the code points inside its container.
        (temp,) = fake.find("PUT", f"/tempdatarefs/{name}/versions/{version}")
        assert temp.api_version == DATAPLANE
        assert temp.body == {"assetId": f"azureml://registries/{registry.name}/codes/{name}/versions/{version}",
                             "temporaryDataReferenceType": "TemporaryBlobReference"}
        container_url = registry.uploads[(name.lower(), version)]
        assert code.body["properties"]["codeUri"] == f"{container_url}/src"
        container = container_url.rsplit("/", 1)[1]
        blob_calls = [r for r in fake.requests if r.is_blob and r.path.startswith(f"/{container}/")]
        assert all(r.query.get("sig") for r in blob_calls)  # every storage call carries the SAS
        # The SDK checks its indicator blob first, uploads every file, then confirms on the indicator.
        assert (blob_calls[0].method, blob_calls[0].status) == ("HEAD", 404)
        puts = {r.path.split("/src/")[1]: r for r in blob_calls if r.method == "PUT" and "comp" not in r.query}
        assert sorted(puts) == files
        for file, put in puts.items():
            assert put.status == 201 and put.body == (source / file).read_bytes()
            assert put.headers.get("x-ms-blob-type") == "BlockBlob"
        (confirm,) = [r for r in blob_calls if r.query.get("comp") == "metadata"]
        assert confirm.headers.get("x-ms-meta-upload_status") == "completed"
        assert blob_calls.index(confirm) == len(blob_calls) - 1
        assert fake.requests.index(confirm) < fake.requests.index(code)

    for component in ("train_tabular", "score_tabular", "register_model"):
        (put,) = fake.find("PUT", f"/components/{component}/versions/1")
        spec = put.body["properties"]["componentSpec"]
        assert spec["code"].startswith(f"azureml://registries/{registry.name}/codes/")
        assert spec["environment"] == f"azureml://registries/{registry.name}/environments/sklearn-env/versions/1"
    # Environments have no code: no storage call is made for them.
    (env_put,) = fake.find("PUT", "/environments/sklearn-env/versions/1")
    assert env_put.status == 201


def test_a_second_run_uploads_nothing(dev_world: World) -> None:
    dev_world.apply()
    dev_world.fake.clear_requests()
    plan = dev_world.plan()
    catalog = [op for op in plan.operations if op.kind.name in ("environment", "component")]
    assert {op.action for op in catalog} == {Action.SKIP}
    assert not [r for r in dev_world.fake.requests if r.is_blob or r.is_write]


def test_storage_refuses_a_request_without_the_issued_signature(dev_world: World) -> None:
    dev_world.apply()
    registry = dev_world.registry
    container_url = next(iter(registry.uploads.values()))
    container = container_url.rsplit("/", 1)[1]
    blobs = dev_world.fake.service.blobs
    reply = blobs.handle("HEAD", container_url.split("/")[2], f"/{container}/src/train.py", {"sig": "forged"}, {}, b"")
    assert reply.status == 403 and reply.headers["x-ms-error-code"] == "AuthenticationFailed"


def test_a_code_version_outside_the_issued_container_is_refused() -> None:
    fake = FakeAzureML()
    registry = fake.add_registry("mlreg-x", subscription_id="s", resource_group="g")
    reply = fake.service.handle(
        "PUT", f"{registry.arm_prefix}/tempdatarefs/c1/versions/1", {}, {"assetId": "azureml://registries/mlreg-x/codes/c1/versions/1",
              "temporaryDataReferenceType": "TemporaryBlobReference"})
    issued = reply.body["blobReferenceForConsumption"]["blobUri"]
    elsewhere = f"https://{registry.storage_account}.blob.core.windows.net/other/src"
    for uri in (elsewhere, f"{issued}/src"):  # the second: right container, but nothing was uploaded
        answer = fake.service.handle("PUT", f"{registry.arm_prefix}/codes/c1/versions/1", {},
                                     {"properties": {"codeUri": uri}})
        assert answer.status == 400, uri
    assert Path(issued).name  # a container URL, not a blob URL
