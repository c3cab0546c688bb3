"""One ``JobSchedule`` per retraining job: the template with this job's data, parameters and compute."""

from __future__ import annotations

from pathlib import Path

from azure.ai.ml import Input
from azure.ai.ml.entities import JobSchedule, PipelineJob

from postdeploy.retraining.pipeline import BASE_MODEL_INPUT, load_pipeline
from postdeploy.retraining.targets import RetrainingTarget
from postdeploy.retraining.triggers import build_trigger
from postdeploy.targets import registry_asset_uri
from stacks.model import PlatformConfig


def schedule_tags(cfg: PlatformConfig, target: RetrainingTarget) -> dict[str, str]:
    """Tags that say which stack, tenant, workspace and config job a schedule (and its runs) belong to."""
    return {
        **cfg.tags,
        "environment": cfg.environment,
        "tenant": target.tenant,
        "workspace": target.workspace_key,
        "retraining-job": target.job.name,
        "managed-by": "ml-tenancy",
    }


def data_asset_uri(target: RetrainingTarget) -> str:
    """The tenant's own data asset, resolved in the workspace the schedule lives in."""
    return f"azureml:{target.job.data.name}:{target.job.data.version}"


def base_model_uri(registry: str, target: RetrainingTarget) -> str | None:
    base = target.job.base_model
    return registry_asset_uri(registry, "models", base.name, base.version) if base else None


def platform_bindings(registry: str, target: RetrainingTarget) -> dict[str, str]:
    """Values of the platform-bound pipeline inputs (see ``pipeline.PLATFORM_INPUTS``)."""
    job = target.job
    values = {
        "model_name": job.model_name,
        "source_tenant": target.tenant,
        "source_workspace": target.workspace_key,
        "retraining_job": job.name,
        "training_data_asset": f"{job.data.name}:{job.data.version}",
    }
    if job.base_model is not None:
        values["base_model_name"] = job.base_model.name
        values["base_model_version"] = job.base_model.version
    return values


def build_pipeline_job(cfg: PlatformConfig, project_dir: Path, target: RetrainingTarget) -> PipelineJob:
    registry = cfg.registry.name
    job = target.job
    pipeline = load_pipeline(project_dir / job.pipeline, registry)
    declared = pipeline.inputs
    data_type = declared[job.data_input]._data.get("type", "uri_folder")
    setattr(pipeline.inputs, job.data_input, Input(type=data_type, path=data_asset_uri(target)))
    base_uri = base_model_uri(registry, target)
    if base_uri is not None:
        model_type = declared[BASE_MODEL_INPUT]._data.get("type", "mlflow_model")
        setattr(pipeline.inputs, BASE_MODEL_INPUT, Input(type=model_type, path=base_uri))
    for name, value in platform_bindings(registry, target).items():
        if name in declared:
            setattr(pipeline.inputs, name, value)
    for name, value in job.parameters.items():
        setattr(pipeline.inputs, name, value)
    # The bare name: the SDK turns it into the workspace's compute ARM id, but would keep an
    # "azureml:" prefix inside that id.
    pipeline.settings.default_compute = target.compute
    pipeline.display_name = f"{job.name} ({target.workspace_ref})"
    pipeline.experiment_name = target.schedule_name
    pipeline.tags = schedule_tags(cfg, target)
    return pipeline


def build_job_schedule(cfg: PlatformConfig, project_dir: Path, target: RetrainingTarget) -> JobSchedule:
    job = target.job
    share = f"; shares back as {cfg.registry.name}/{job.share_back.model}" if job.share_back else ""
    return JobSchedule(
        name=target.schedule_name,
        display_name=f"Retrain {job.name}",
        description=f"Retraining job '{job.name}' of {target.workspace_ref} ({job.pipeline}){share}",
        trigger=build_trigger(job.schedule),
        create_job=build_pipeline_job(cfg, project_dir, target),
        tags=schedule_tags(cfg, target),
        is_enabled=job.enabled,
    )
