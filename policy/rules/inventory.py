"""The stack's workspaces, ML registries and container registries, and where each lives.

Stack policies see resources as the engine reports them: inputs under the offline preview,
outputs on a real engine (where path parameters such as ``workspaceName`` are absent but
``name`` and, once created, ``id`` are present). A resource's name, resource group and
subscription are therefore read from whichever of these is known, the subscription last
from the resource's provider.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pulumi_policy import PolicyResource

from policy.rules.arm import ArmId, parse
from policy.rules.resource_types import CONTAINER_REGISTRY, ML_REGISTRY, ML_WORKSPACE, RESOURCE_GROUP
from policy.rules.values import get, text


@dataclass(frozen=True)
class Located:
    """A resource with the parts of its ARM id that are known (lowercased), and its tenant tag."""

    resource: PolicyResource
    name: str | None
    resource_group: str | None
    subscription: str | None
    tenant: str | None

    def matches(self, arm: ArmId, name: str) -> bool:
        """Whether an ARM id naming ``name`` can denote this resource; unknown parts do not rule it out."""
        return (
            self.name == name
            and _compatible(self.resource_group, arm.resource_group)
            and _compatible(self.subscription, arm.subscription)
        )

    def in_resource_group(self, arm: ArmId) -> bool:
        return self.resource_group == arm.resource_group and _compatible(self.subscription, arm.subscription)


def _compatible(known: str | None, wanted: str | None) -> bool:
    return known is None or wanted is None or known == wanted


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def subscription_of(resource: PolicyResource) -> str | None:
    arm = _own_id(resource)
    if arm is not None:
        return arm.subscription
    provider = resource.provider
    return _lower(text(get(provider.props, "subscriptionId"))) if provider is not None else None


def _own_id(resource: PolicyResource) -> ArmId | None:
    arm_id = text(get(resource.props, "id"))
    return parse(arm_id) if arm_id else None


def locate(resource: PolicyResource, name_input: str) -> Located:
    """Where a resource lives; ``name_input`` is its name's input property (e.g. ``workspaceName``)."""
    props = resource.props
    arm = _own_id(resource)
    name = text(get(props, name_input)) or text(get(props, "name"))
    if name is None and arm is not None and arm.resources:
        name = arm.resources[-1][1]
    group = text(get(props, "resourceGroupName")) or (arm.resource_group if arm else None)
    return Located(
        resource=resource,
        name=_lower(name),
        resource_group=_lower(group),
        subscription=subscription_of(resource),
        tenant=text(get(props, "tags", "tenant")),
    )


class Inventory:
    def __init__(self, resources: Iterable[PolicyResource]) -> None:
        self.resources = list(resources)
        self.workspaces = [locate(r, "workspaceName") for r in self._of(ML_WORKSPACE)]
        self.registries = [locate(r, "registryName") for r in self._of(ML_REGISTRY)]
        self.container_registries = [locate(r, "registryName") for r in self._of(CONTAINER_REGISTRY)]
        self.resource_groups = [locate(r, "resourceGroupName") for r in self._of(RESOURCE_GROUP)]

    def _of(self, resource_type: str) -> list[PolicyResource]:
        return [r for r in self.resources if r.resource_type == resource_type]
