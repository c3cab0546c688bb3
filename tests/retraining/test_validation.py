"""Bad retraining config is rejected offline, with the config path and what is allowed."""

from __future__ import annotations

import pytest

from postdeploy.retraining.schedules import desired_schedules, schedule_previews, validate_retraining
from postdeploy.retraining.timezones import AZURE_TIME_ZONES, zone_info
from stacks.errors import ConfigError
from tests.retraining.conftest import TENANT1, TENANT4

JOB1 = "tenants[0].workspaces[0].retraining[0]"
JOB4 = "tenants[3].workspaces[0].retraining[0]"


def only(problems, path):
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path}, got {problems}"
    return found[0].message


def test_the_dev_stack_is_valid(dev_cfg):
    assert validate_retraining(dev_cfg) == []


def test_unknown_parameter_names_the_path_and_the_allowed_parameters(dev_with):
    cfg = dev_with(TENANT4, parameters={"n_estimatorz": 10, "max_depth": 4})
    message = only(validate_retraining(cfg), f"{JOB4}.parameters.n_estimatorz")
    assert "unknown parameter 'n_estimatorz' (did you mean 'n_estimators'?)" in message
    assert "catalog/pipelines/finetune.yml" in message
    assert message.endswith(
        "allowed parameters: learning_rate, max_depth, n_estimators, random_state, target_column, test_size"
    )


def test_platform_bound_inputs_are_not_parameters(dev_with):
    cfg = dev_with(TENANT1, parameters={"model_name": "other", "training_data": "x"})
    problems = validate_retraining(cfg)
    assert "bound by the platform" in only(problems, f"{JOB1}.parameters.model_name")
    assert "bound by the platform" in only(problems, f"{JOB1}.parameters.training_data")


def test_parameter_types_and_component_ranges_are_checked(dev_with):
    cfg = dev_with(TENANT1, parameters={"n_estimators": "many", "learning_rate": 3, "max_depth": 0})
    problems = validate_retraining(cfg)
    assert only(problems, f"{JOB1}.parameters.n_estimators").startswith("'many' is not an integer")
    assert "3 is out of range; allowed 0.0001 to 1" in only(problems, f"{JOB1}.parameters.learning_rate")
    assert "component train_tabular:1" in only(problems, f"{JOB1}.parameters.learning_rate")
    assert "0 is out of range; allowed 1 to 32" in only(problems, f"{JOB1}.parameters.max_depth")


@pytest.mark.parametrize(
    ("cron", "expected"),
    [
        ("0 2 * *", "has 4 field(s)"),
        ("0 0 2 * * 1", "has 6 field(s)"),
        ("61 2 * * 1", "is not a valid cron expression"),
        ("0 2 L * *", "uses 'L', which Azure ML cannot parse"),
        ("@weekly", "has 1 field(s)"),
    ],
)
def test_invalid_cron_is_rejected(dev_with, cron, expected):
    cfg = dev_with(TENANT1, schedule={"cron": cron, "timeZone": "UTC"})
    message = only(validate_retraining(cfg), f"{JOB1}.schedule.cron")
    assert expected in message
    assert "minute hour day-of-month month day-of-week" in message


def test_iana_time_zone_gets_the_windows_name(dev_with):
    cfg = dev_with(TENANT1, schedule={"cron": "0 2 * * 1", "timeZone": "Europe/Amsterdam"})
    message = only(validate_retraining(cfg), f"{JOB1}.schedule.timeZone")
    assert message == (
        "'Europe/Amsterdam' is an IANA name; Azure ML schedules take Windows names: use 'W. Europe Standard Time'"
    )


def test_unknown_time_zone_names_close_matches_and_the_allowed_set(dev_with):
    cfg = dev_with(TENANT1, schedule={"cron": "0 2 * * 1", "timeZone": "W Europe Standard Time"})
    message = only(validate_retraining(cfg), f"{JOB1}.schedule.timeZone")
    assert "is not a time zone Azure ML schedules accept (did you mean 'W. Europe Standard Time'" in message
    assert "azure.ai.ml.constants.TimeZone" in message


def test_time_zone_case_is_pointed_out(dev_with):
    cfg = dev_with(TENANT1, schedule={"cron": "0 2 * * 1", "timeZone": "utc"})
    assert only(validate_retraining(cfg), f"{JOB1}.schedule.timeZone") == (
        "time zone names are case-sensitive: use 'UTC'"
    )


def test_every_azure_time_zone_has_an_iana_zone():
    assert len(AZURE_TIME_ZONES) > 100
    for name in AZURE_TIME_ZONES:
        assert zone_info(name).key


@pytest.mark.parametrize(
    ("recurrence", "key", "expected"),
    [
        ({"frequency": "hour", "interval": 4, "minutes": [0]}, "frequency",
         "apply only to frequency day, week or month"),
        ({"frequency": "day", "hours": [2]}, "minutes", "needs both hours and minutes"),
        ({"frequency": "day", "hours": [24], "minutes": [0]}, "hours", "24 out of range; allowed 0-23"),
        ({"frequency": "day", "hours": [1], "minutes": [75]}, "minutes", "75 out of range; allowed 0-59"),
        ({"frequency": "day", "hours": [1], "minutes": [0], "weekDays": ["monday"]}, "weekDays",
         "weekDays need frequency week or month, not day"),
        ({"frequency": "week", "hours": [1], "minutes": [0], "monthDays": [1]}, "monthDays",
         "monthDays need frequency month, not week"),
        ({"frequency": "month", "hours": [1], "minutes": [0], "monthDays": [32]}, "monthDays",
         "32 out of range; allowed 1-31"),
        ({"frequency": "day", "hours": [1, 1], "minutes": [0]}, "hours", "lists a value twice"),
    ],
)
def test_incoherent_recurrence_is_rejected(dev_with, recurrence, key, expected):
    cfg = dev_with(TENANT4, schedule={"recurrence": recurrence, "timeZone": "Eastern Standard Time"})
    assert expected in only(validate_retraining(cfg), f"{JOB4}.schedule.recurrence.{key}")


def test_start_time_must_be_local_without_offset(dev_with):
    cfg = dev_with(TENANT1, schedule={"cron": "0 2 * * 1", "startTime": "2025-01-01T00:00:00+01:00"})
    assert "carries a UTC offset" in only(validate_retraining(cfg), f"{JOB1}.schedule.startTime")
    cfg = dev_with(TENANT1, schedule={"cron": "0 2 * * 1", "startTime": "next monday"})
    assert "is not a date and time of the form YYYY-MM-DDThh:mm:ss" in only(
        validate_retraining(cfg), f"{JOB1}.schedule.startTime"
    )


def test_compute_must_be_the_workspace_cluster(dev_with):
    cfg = dev_with(TENANT1, compute="gpu-cluster")
    assert only(validate_retraining(cfg), f"{JOB1}.compute") == (
        "compute 'gpu-cluster' does not exist in 'tenant1/ws1'; its cluster is 'cpu-cluster'"
    )


def test_missing_pipeline_file_lists_the_pipelines(dev_with):
    cfg = dev_with(TENANT1, pipeline="catalog/pipelines/retrian.yml")
    assert only(validate_retraining(cfg), f"{JOB1}.pipeline") == (
        "file 'catalog/pipelines/retrian.yml' does not exist in the project; "
        "pipelines: catalog/pipelines/finetune.yml, catalog/pipelines/retrain.yml"
    )


def test_fine_tuning_pipeline_needs_a_base_model_and_retraining_one_refuses_it(dev_with):
    cfg = dev_with(TENANT4, baseModel=None)
    assert "fine-tunes a registry model: set baseModel" in only(validate_retraining(cfg), f"{JOB4}.baseModel")
    cfg = dev_with(TENANT1, baseModel={"name": "credit-card-default", "version": "1"})
    assert "declares no 'base_model' model input" in only(validate_retraining(cfg), f"{JOB1}.baseModel")


def test_data_input_must_be_a_data_input_of_the_pipeline(dev_with):
    cfg = dev_with(TENANT1, dataInput="n_estimators")
    assert only(validate_retraining(cfg), f"{JOB1}.dataInput") == (
        "'n_estimators' is not a data input of 'catalog/pipelines/retrain.yml'; its data inputs: training_data"
    )


def test_building_refuses_invalid_config_before_any_request(dev_with):
    cfg = dev_with(TENANT1, schedule={"cron": "0 25 * * 1", "timeZone": "Mars Standard Time"})
    with pytest.raises(ConfigError) as raised:
        desired_schedules(cfg)
    paths = {p.path for p in raised.value.problems}
    assert paths == {f"{JOB1}.schedule.cron", f"{JOB1}.schedule.timeZone"}
    assert "invalid retraining config: 2 problem(s)" in str(raised.value)
    with pytest.raises(ConfigError):
        schedule_previews(cfg, now=__import__("datetime").datetime.now(__import__("datetime").UTC))


def test_job_names_are_restricted_by_the_config_schema(dev_with):
    with pytest.raises(ConfigError) as raised:
        dev_with(TENANT1, name="Weekly Credit")
    assert any(
        p.path == f"{JOB1}.name" and "not a valid retraining job name" in p.message for p in raised.value.problems
    )
