"""Push: serve a registry model from a managed online or batch endpoint in a tenant workspace.

The deployment references the model by registry URI, so the workspace needs no copy of it. The
endpoint gets a system-assigned identity: Azure grants that identity what it needs to pull the
registry model and its image, while a user-assigned identity gets nothing automatically.

Rollout of a new model version: a new deployment named after the model version is created next
to the old one; only when it has provisioned successfully does traffic (online) or the default
deployment (batch) move to it, and only then are the old deployments deleted. Their names are
written to the endpoint tag ``mlt-retire`` in the same update that moves the traffic, so a run
that stops before the deletes finish leaves a visible to-do that the next run completes -- and a
converged endpoint is recognisable from one endpoint list per workspace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from azure.ai.ml.entities import (
    BatchEndpoint,
    IdentityConfiguration,
    ManagedOnlineDeployment,
    ManagedOnlineEndpoint,
    ModelBatchDeployment,
    ModelBatchDeploymentSettings,
)
from azure.core.exceptions import HttpResponseError

from postdeploy.catalog import MANAGED_BY, MANAGED_TAG, RegistryAsset
from postdeploy.context import StackContext
from postdeploy.kind import Kind
from postdeploy.operations import Action, Operation, ReportedError, Target
from postdeploy.session import Session
from postdeploy.targets import registry_asset_uri
from stacks.model import Endpoint

RETIRE_TAG = "mlt-retire"
MODEL_TAG = "mlt-model"


class UnhealthyDeployment(ReportedError):
    """The new deployment did not provision; traffic stays where it was."""


def deployment_name(model: str, version: str) -> str:
    """A deployment name (3-32 chars, letters/digits/'-', starts with a letter) derived from the model version."""
    suffix = "v" + re.sub(r"[^a-z0-9]+", "-", version.lower()).strip("-")
    stem = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
    if not stem or not stem[0].isalpha():
        stem = f"m{stem}"
    stem = stem[: 32 - len(suffix) - 1].rstrip("-")
    return f"{stem}-{suffix}"[:32].rstrip("-")


@dataclass(frozen=True)
class PushSpec:
    model: RegistryAsset
    endpoint: Endpoint
    workspace: str
    compute: str  # the workspace cluster; batch deployments run there unless the entry names one
    registry: str

    @property
    def target(self) -> Target:
        return Target("workspace", self.workspace)

    @property
    def subject(self) -> str:
        return f"{self.endpoint.kind} endpoint {self.endpoint.name} <- model {self.model.name}:{self.model.version}"

    @property
    def provides(self) -> tuple[str, ...]:
        return ()

    @property
    def requires(self) -> tuple[str, ...]:
        return (self.model.key,)

    @property
    def deployment(self) -> str:
        return deployment_name(self.model.name, self.model.version)

    @property
    def model_uri(self) -> str:
        return registry_asset_uri(self.registry, "models", self.model.name, self.model.version)


def _specs(context: StackContext) -> Iterable[PushSpec]:
    for entry in context.config.sharing.push:
        for ref in entry.to:
            site = context.targets.workspace(ref)
            yield PushSpec(RegistryAsset("models", entry.model, entry.version), entry.endpoint, ref,
                           entry.endpoint.compute or site.compute, context.targets.registry.name)


def _offline(spec: PushSpec, provided: frozenset[str] | set[str]) -> tuple[Action, str]:
    if spec.model.key not in provided:
        return Action.BLOCKED, (f"model {spec.model.name}:{spec.model.version} would have to be in the registry "
                                "already; nothing in this stack shares it")
    return Action.CREATE, f"create the endpoint and deployment {spec.deployment}"


def _serving(endpoint: Any, kind: str) -> set[str]:
    """The deployments that take traffic (online) or are the default (batch), lowered."""
    if kind == "online":
        return {name.lower() for name, share in (endpoint.traffic or {}).items() if share}
    defaults = endpoint.defaults
    name = defaults.get("deployment_name") if isinstance(defaults, dict) else getattr(defaults, "deployment_name", None)
    return {name.lower()} if name else set()


def _inspect(spec: PushSpec, session: Session) -> Operation[PushSpec, Any]:
    endpoint = session.endpoints(spec.workspace, spec.endpoint.kind).get(spec.endpoint.name.lower())
    retiring = (endpoint.tags or {}).get(RETIRE_TAG) if endpoint is not None else None
    serving = _serving(endpoint, spec.endpoint.kind) if endpoint is not None else set()
    if endpoint is not None and serving == {spec.deployment} and not retiring:
        return PUSH.operation(spec, Action.SKIP, f"deployment {spec.deployment} serves the endpoint", endpoint)
    if endpoint is not None and serving == {spec.deployment}:
        return PUSH.operation(spec, Action.UPDATE, f"finish the rollout: remove {retiring}", endpoint)
    m = spec.model
    if not session.in_registry_or_planned("models", m.name, m.version, m.key):
        return PUSH.operation(spec, Action.BLOCKED,
                         f"model {m.name}:{m.version} is not in the registry and nothing in this stack shares it")
    if endpoint is None:
        return PUSH.operation(spec, Action.CREATE, f"create the endpoint and deployment {spec.deployment}")
    old = ", ".join(sorted(serving)) or "nothing"
    return PUSH.operation(spec, Action.UPDATE,
                     f"roll out {spec.deployment}, move traffic from {old}, then remove the old deployments", endpoint)


def _new_endpoint(spec: PushSpec) -> Any:
    tags = {MANAGED_TAG: MANAGED_BY}
    if spec.endpoint.kind == "online":
        return ManagedOnlineEndpoint(name=spec.endpoint.name, auth_mode="key", tags=tags,
                                     identity=IdentityConfiguration(type="system_assigned"))
    return BatchEndpoint(name=spec.endpoint.name, tags=tags)


def _new_deployment(spec: PushSpec) -> Any:
    e = spec.endpoint
    if e.kind == "online":
        return ManagedOnlineDeployment(name=spec.deployment, endpoint_name=e.name, model=spec.model_uri,
                                       instance_type=e.instance_type, instance_count=e.instance_count,
                                       tags={MANAGED_TAG: MANAGED_BY})
    return ModelBatchDeployment(
        name=spec.deployment, endpoint_name=e.name, model=spec.model_uri, compute=spec.compute,
        tags={MANAGED_TAG: MANAGED_BY},
        settings=ModelBatchDeploymentSettings(mini_batch_size=10, instance_count=e.instance_count),
    )


def _provisioning_failed(error: HttpResponseError) -> bool:
    """Whether the error is a long-running operation's terminal ``Failed`` status, not a refused request."""
    response = error.response
    try:
        body = response.json() if response is not None else None
    except Exception:  # not JSON: not a status answer
        return False
    return isinstance(body, dict) and str(body.get("status", "")).lower() in ("failed", "canceled")


def _azure_error(error: HttpResponseError) -> str:
    detail = error.error
    code, message = getattr(detail, "code", None), getattr(detail, "message", None)
    if code and message:
        return f"{code}: {message}"
    return message or str(error.message or error)


def _execute(op: Operation[PushSpec, Any], session: Session) -> str:
    spec = op.spec
    kind, name = spec.endpoint.kind, spec.endpoint.name
    client = session.workspace_client(spec.workspace)
    endpoints = client.online_endpoints if kind == "online" else client.batch_endpoints
    deployments = client.online_deployments if kind == "online" else client.batch_deployments
    done = []

    if op.detail is None:
        session.call(lambda: endpoints.begin_create_or_update(_new_endpoint(spec)).result())
        done.append("created the endpoint")
    if op.detail is None or _serving(op.detail, kind) != {spec.deployment}:
        try:
            result = session.call(lambda: deployments.begin_create_or_update(_new_deployment(spec)).result())
        except HttpResponseError as error:
            # Azure reports a failed provisioning through the operation's status: the poller raises
            # with the status body's error. Traffic has not moved, and the next run tries again.
            if not _provisioning_failed(error):
                raise
            raise UnhealthyDeployment(
                f"deployment {spec.deployment} failed to provision: {_azure_error(error)}; traffic was not moved"
            ) from error
        state = getattr(result, "provisioning_state", None)
        if str(getattr(state, "value", state)).lower() != "succeeded":
            raise UnhealthyDeployment(f"deployment {spec.deployment} ended {state}; traffic was not moved")
        done.append(f"deployed {spec.deployment}")

    old = sorted(d.name for d in session.call(lambda: list(deployments.list(endpoint_name=name)))
                 if d.name.lower() != spec.deployment)
    endpoint = session.call(lambda: endpoints.get(name))
    tags = {**(endpoint.tags or {}), MODEL_TAG: f"{spec.model.name}:{spec.model.version}"}
    if old:
        tags[RETIRE_TAG] = ",".join(old)
    else:
        tags.pop(RETIRE_TAG, None)
    if _serving(endpoint, kind) != {spec.deployment} or tags != (endpoint.tags or {}):
        if kind == "online":
            endpoint.traffic = {spec.deployment: 100}
        else:
            endpoint.defaults = {"deployment_name": spec.deployment}
        endpoint.tags = tags
        session.call(lambda: endpoints.begin_create_or_update(endpoint).result())
        done.append(f"moved traffic to {spec.deployment}")
    if old:
        for retired in old:
            session.call(lambda retired=retired: deployments.begin_delete(name=retired, endpoint_name=name).result())
        endpoint.tags = {k: v for k, v in tags.items() if k != RETIRE_TAG}
        session.call(lambda: endpoints.begin_create_or_update(endpoint).result())
        done.append(f"removed {', '.join(old)}")
    return "; ".join(done) or "nothing to do"


PUSH: Kind[PushSpec, Any] = Kind("push", 40, _specs, _offline, _inspect, _execute)
