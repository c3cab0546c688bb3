"""The fake answers the real SDK the way Azure does: discovery, 404 until created, immutability, faults."""

from __future__ import annotations

import pytest
from azure.ai.ml import Input, MLClient, load_component, load_environment
from azure.ai.ml.dsl import pipeline
from azure.ai.ml.entities import CronTrigger, JobSchedule
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError, ServiceRequestError

from tests.fakeml import FakeAzureML, FakeCredential, Fault
from tests.postdeploy.conftest import FIXTURES

REG_SUB, WS_SUB = "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01", "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"


@pytest.fixture
def fake() -> FakeAzureML:
    fake = FakeAzureML()
    fake.add_registry("mlreg-x", subscription_id=REG_SUB, resource_group="rg-reg")
    fake.add_workspace(WS_SUB, "rg-ws", "mlw-x", location="northeurope")
    return fake


def registry_client(fake: FakeAzureML) -> MLClient:
    return MLClient(FakeCredential(), registry_name="mlreg-x", transport=fake, retry_total=0, show_progress=False)


def test_registry_client_construction_asks_the_discovery_service(fake: FakeAzureML) -> None:
    registry_client(fake)
    (discovery,) = fake.requests
    assert (discovery.method, discovery.path, discovery.api_version) == (
        "GET", "/registrymanagement/v1.0/registries/mlreg-x/discovery", "v1.0")
    with pytest.raises(ResourceNotFoundError):
        MLClient(FakeCredential(), registry_name="no-such-registry", transport=fake, retry_total=0)


def test_registry_assets_are_404_until_created_and_immutable_after(fake: FakeAzureML) -> None:
    client = registry_client(fake)
    with pytest.raises(ResourceNotFoundError):
        client.environments.get("base-env", version="1")
    env = load_environment(FIXTURES / "catalog/environments/base.yml")
    created = client.environments.create_or_update(env)
    assert created.id == "azureml://registries/mlreg-x/environments/base-env/versions/1"
    put = fake.find("PUT", "/registries/mlreg-x/environments/base-env/versions/1")[-1]
    assert put.host == "cert-westeurope.experiments.azureml.net"
    assert put.api_version == "2021-10-01-dataplanepreview"
    assert put.body["properties"]["image"].startswith("mcr.microsoft.com/azureml/")

    client.environments.create_or_update(load_environment(FIXTURES / "catalog/environments/base.yml"))  # same
    changed = load_environment(FIXTURES / "catalog/environments/base.yml")
    changed.description = "something else"
    with pytest.raises(HttpResponseError) as error:
        client.environments.create_or_update(changed)
    assert error.value.status_code == 409
    assert fake.registry("mlreg-x").asset("environments", "base-env", "1")["properties"]["description"] != (
        "something else")


def test_faults_fire_as_often_as_asked_and_are_recorded(fake: FakeAzureML) -> None:
    client = MLClient(FakeCredential(), WS_SUB, "rg-ws", "mlw-x", transport=fake, retry_total=0)
    fake.inject(Fault.throttled(retry_after=3, path_contains="/models/m/"))
    with pytest.raises(HttpResponseError) as error:
        client.models.get("m", "1")
    assert error.value.status_code == 429
    assert error.value.response.headers["Retry-After"] == "3"
    with pytest.raises(ResourceNotFoundError):  # the fault is spent: the real answer comes through
        client.models.get("m", "1")

    fake.inject(Fault.connection_error(path_contains="/models/m/"))
    with pytest.raises(ServiceRequestError):
        client.models.get("m", "1")

    fake.inject(Fault.forbidden("/workspaces/mlw-x"))
    for _ in range(2):
        with pytest.raises(HttpResponseError) as error:
            client.models.get("m", "1")
        assert error.value.status_code == 403
    assert [r.status for r in fake.requests] == [429, 404, 0, 403, 403]


def test_job_schedules_are_kept_and_read_back(fake: FakeAzureML) -> None:
    """What the retraining schedules build on: PUT/GET .../schedules/{name} through the real SDK."""
    client = MLClient(FakeCredential(), WS_SUB, "rg-ws", "mlw-x", transport=fake, retry_total=0, show_progress=False)
    train = load_component(FIXTURES / "catalog/components/train.yml")
    train.environment = "azureml://registries/mlreg-x/environments/base-env/versions/1"

    @pipeline(default_compute="cpu-cluster")
    def retrain(data):  # the SDK reads annotations as pipeline input types, so none here
        train(training_data=data)

    schedule = JobSchedule(name="nightly", trigger=CronTrigger(expression="0 1 * * *", time_zone="UTC"),
                           create_job=retrain(data=Input(type="uri_folder", path="azureml:credit-sample:1")))
    client.schedules.begin_create_or_update(schedule).result()

    put = fake.find("PUT", "/schedules/nightly")[-1]
    assert put.api_version == "2023-06-01-preview"
    assert put.body["properties"]["trigger"] == {"triggerType": "Cron", "expression": "0 1 * * *", "timeZone": "UTC"}
    stored = fake.workspace(WS_SUB, "rg-ws", "mlw-x").child("schedules", "nightly")
    assert stored["properties"]["action"]["actionType"] == "CreateJob"
    assert client.schedules.get("nightly").trigger.expression == "0 1 * * *"
