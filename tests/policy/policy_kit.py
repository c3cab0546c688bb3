"""Policy arguments built the way the engine builds them, and an offline graph node type.

Properties go through a protobuf ``Struct`` and pulumi_policy's own deserialization and
unknown-checking proxy, exactly as the analyzer server does with an engine request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policy.rules.pending import collecting

ENGINE_UNKNOWN = UNKNOWN_STRING_VALUE
STACK = "dev"
PROJECT = "ml-tenancy"
PROVIDER_TYPE = "pulumi:providers:azure-native"


def urn(resource_type: str, name: str, stack: str = STACK) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{resource_type}::{name}"


def engine_props(props: Mapping[str, Any]) -> Mapping[str, Any]:
    struct = struct_pb2.Struct()
    struct.update(dict(props))
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def options(protect: bool = True, parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def provider(subscription_id: str | None = None, name: str = "default") -> PolicyProviderResource:
    props = {"subscriptionId": subscription_id} if subscription_id else {}
    return PolicyProviderResource(PROVIDER_TYPE, engine_props(props), urn(PROVIDER_TYPE, name), name)


def resource_args(
    resource_type: str,
    props: Mapping[str, Any],
    *,
    name: str = "res",
    protect: bool = True,
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    return ResourceValidationArgs(
        resource_type, engine_props(props), urn(resource_type, name), name, options(protect), provider(), config
    )


def policy_resource(
    resource_type: str,
    props: Mapping[str, Any],
    *,
    name: str,
    subscription_id: str | None = None,
    property_dependencies: Mapping[str, list[PolicyResource]] | None = None,
    dependencies: Sequence[PolicyResource] = (),
) -> PolicyResource:
    return PolicyResource(
        resource_type,
        engine_props(props),
        urn(resource_type, name),
        name,
        options(),
        provider(subscription_id),
        None,
        list(dependencies),
        dict(property_dependencies or {}),
    )


def stack_args(resources: Sequence[PolicyResource], config: Mapping[str, Any] | None = None) -> StackValidationArgs:
    return StackValidationArgs(list(resources), config)


@dataclass
class Findings:
    messages: list[str] = field(default_factory=list)
    urns: list[str | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run(policy: Policy, args: ResourceValidationArgs | StackValidationArgs) -> Findings:
    """Validate like the engine does, keeping what the rule reports and notes."""
    found = Findings()

    def report(message: str, at: str | None = None) -> None:
        found.messages.append(message)
        found.urns.append(at)

    with collecting(lambda message, _urn: found.notes.append(message)):
        result = policy.validate(args, report)  # type: ignore[arg-type]
    assert result is None
    return found


@dataclass(frozen=True)
class Node:
    """A resource of the offline preview's graph."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    protect: bool = False
    parent: str | None = None
    provider: str | None = None
    dependencies: tuple[str, ...] = ()
    stack: str = STACK

    @property
    def urn(self) -> str:
        return urn(self.type, self.name, self.stack)
