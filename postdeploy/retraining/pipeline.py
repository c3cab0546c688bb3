"""Retraining pipeline templates: load them with the SDK and describe what they declare.

A template is an azure-ai-ml pipeline job YAML whose steps reference registry components as
``azureml://registries/${registry}/components/<name>/versions/<version>``. ``${registry}`` is
filled in with the stack's registry name when the file is loaded, so one file serves every stack
(``${{...}}`` is the SDK's own binding syntax and is left alone).

Inputs fall in two groups. ``PLATFORM_INPUTS`` (plus the job's ``dataInput``) are bound per
retraining job from config: the tenant's data asset, the base model, the model name and the
lineage strings the register step writes as tags. Every other literal input is a parameter that a
retraining block may override.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from azure.ai.ml import load_job
from azure.ai.ml.entities import PipelineJob

REGISTRY_PLACEHOLDER = "${registry}"

DATA_TYPES = frozenset({"uri_folder", "uri_file", "mltable"})
MODEL_TYPES = frozenset({"mlflow_model", "custom_model", "triton_model"})

# The pipeline input the job's baseModel binds to.
BASE_MODEL_INPUT = "base_model"
# Inputs bound from config for every job (only those a pipeline declares are bound).
PLATFORM_INPUTS: tuple[str, ...] = (
    BASE_MODEL_INPUT,
    "model_name",
    "source_tenant",
    "source_workspace",
    "retraining_job",
    "training_data_asset",
    "base_model_name",
    "base_model_version",
)

_REGISTRY_COMPONENT = re.compile(
    r"^azureml://registries/(?P<registry>[^/]+)/components/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$"
)
_PARENT_INPUT = re.compile(r"^\$\{\{\s*parent\.inputs\.(?P<name>[A-Za-z0-9_]+)\s*\}\}$")


class PipelineLoadError(Exception):
    """The template does not load or does not validate with the SDK."""


@dataclass(frozen=True)
class PipelineInput:
    """One pipeline-level input: a data/model input (``type`` is the asset type) or a literal."""

    name: str
    type: str
    default: Any = None

    @property
    def is_literal(self) -> bool:
        return self.type in ("integer", "number", "boolean", "string")

    @property
    def is_data(self) -> bool:
        return self.type in DATA_TYPES

    @property
    def is_model(self) -> bool:
        return self.type in MODEL_TYPES


@dataclass(frozen=True)
class PipelineStep:
    name: str
    component: str
    # Step input -> the pipeline input it is bound to (None when bound to a literal or an output).
    bindings: Mapping[str, str | None]

    @property
    def registry_component(self) -> tuple[str, str, str] | None:
        """(registry, name, version) when the step uses a registry component."""
        match = _REGISTRY_COMPONENT.match(self.component)
        return (match["registry"], match["name"], match["version"]) if match else None


@dataclass(frozen=True)
class PipelineSpec:
    """What a loaded template declares, for validation and plans."""

    path: str
    inputs: Mapping[str, PipelineInput]
    steps: tuple[PipelineStep, ...]

    def parameters(self, data_input: str) -> tuple[str, ...]:
        """Inputs a retraining block may set in ``parameters``."""
        return tuple(
            sorted(
                name
                for name, spec in self.inputs.items()
                if spec.is_literal and name not in PLATFORM_INPUTS and name != data_input
            )
        )

    def data_inputs(self) -> tuple[str, ...]:
        return tuple(sorted(name for name, spec in self.inputs.items() if spec.is_data))

    def bound_to(self, pipeline_input: str) -> tuple[tuple[PipelineStep, str], ...]:
        """The (step, step input) pairs that receive a pipeline input."""
        return tuple(
            (step, step_input)
            for step in self.steps
            for step_input, source in step.bindings.items()
            if source == pipeline_input
        )


def template_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_pipeline(path: Path, registry: str) -> PipelineJob:
    """A fresh PipelineJob from the template (fresh because the SDK entity is mutable)."""
    return _load(template_text(path), str(path), registry)


def _load(text: str, origin: str, registry: str) -> PipelineJob:
    try:
        job = load_job(io.StringIO(text.replace(REGISTRY_PLACEHOLDER, registry)), relative_origin=origin)
    except Exception as error:  # the SDK raises marshmallow, ValidationException and YAML errors alike
        raise PipelineLoadError(_first_lines(str(error))) from error
    if not isinstance(job, PipelineJob):
        raise PipelineLoadError(f"is a {type(job).__name__}, not a pipeline job (type: pipeline)")
    result = job._validate()
    if not result.passed:
        details = "; ".join(f"{where}: {what}" for where, what in result.error_messages.items())
        raise PipelineLoadError(f"does not validate: {details}")
    return job


def pipeline_spec(path: Path, registry: str, display_path: str) -> PipelineSpec:
    return _spec(template_text(path), str(path), registry, display_path)


@cache
def _spec(text: str, origin: str, registry: str, display_path: str) -> PipelineSpec:
    # Keyed on the file's text, so an edited template is loaded again.
    job = _load(text, origin, registry)
    inputs = {name: _input_spec(name, node._data) for name, node in job.inputs.items()}
    steps = tuple(
        PipelineStep(
            name=name,
            component=node.component if isinstance(node.component, str) else str(node.component.id),
            bindings={
                key: (m["name"] if (m := _PARENT_INPUT.match(str(value._data))) else None)
                for key, value in node.inputs.items()
                if value._data is not None
            },
        )
        for name, node in job.jobs.items()
    )
    return PipelineSpec(path=display_path, inputs=inputs, steps=steps)


def _input_spec(name: str, data: Any) -> PipelineInput:
    if isinstance(data, bool):
        return PipelineInput(name, "boolean", data)
    if isinstance(data, int):
        return PipelineInput(name, "integer", data)
    if isinstance(data, float):
        return PipelineInput(name, "number", data)
    if isinstance(data, str):
        return PipelineInput(name, "string", data)
    if isinstance(data, Mapping):
        return PipelineInput(name, str(data.get("type")), data.get("path"))
    return PipelineInput(name, str(getattr(data, "type", "unknown")), getattr(data, "path", None))


def _first_lines(message: str, limit: int = 3) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return " ".join(lines[:limit])
