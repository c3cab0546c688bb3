"""Run the policy pack over the offline preview's resource graph, the way the engine would.

Each resource becomes the same ``pulumi_policy`` argument objects the engine builds
(``ResourceValidationArgs`` per resource, one ``StackValidationArgs`` with ``PolicyResource``
objects for the stack), with properties behind pulumi_policy's unknown-checking proxy, so
the rules run unchanged. Enforcement levels come from ``policy/config/<stack>.json`` in
the ``--policy-pack-config`` format, or from the ``config`` given.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from inspect import isawaitable
from pathlib import Path
from typing import Any, Literal, Protocol

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policy.rules.pending import collecting
from policy.rules.values import OFFLINE_UNKNOWN
from policy.ruleset import ALL

# The offline preview's marker for values the engine only learns after apply.
UNKNOWN = OFFLINE_UNKNOWN

CONFIG_DIR = Path(__file__).parent / "config"
STACK_TYPE = "pulumi:pulumi:Stack"
# The pack's default level for rules that set none, as in policy/__main__.py.
PACK_LEVEL = EnforcementLevel.ADVISORY

Level = Literal["mandatory", "advisory"]


class GraphResource(Protocol):
    """A node of the offline preview's graph; an ``id`` attribute, when present, is its ARM id."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    protect: bool
    parent: str | None
    provider: str | None
    dependencies: tuple[str, ...]


@dataclass(frozen=True)
class Violation:
    rule: str
    level: Level
    resource_type: str
    resource_name: str
    message: str


@dataclass(frozen=True)
class Note:
    """A check that passed for now because a value it needs is only known after apply."""

    rule: str
    resource_type: str
    resource_name: str
    message: str


@dataclass(frozen=True)
class Review:
    violations: tuple[Violation, ...]
    notes: tuple[Note, ...]

    @property
    def blocked(self) -> bool:
        return has_mandatory(self.violations)


def format_violation(v: Violation) -> str:
    return f"[{v.level}] {v.rule} ({v.resource_type}: {v.resource_name}) {v.message}"


def format_note(n: Note) -> str:
    return f"[info] {n.rule} ({n.resource_type}: {n.resource_name}) {n.message}"


def has_mandatory(violations: Sequence[Violation]) -> bool:
    return any(v.level == "mandatory" for v in violations)


def load_config(stack: str) -> dict[str, Any]:
    """The stack's policy-pack config, or no overrides when the stack has no file."""
    path = CONFIG_DIR / f"{stack}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def enforcement_level(policy: Policy, config: Mapping[str, Any]) -> EnforcementLevel:
    """The policy's own level, overridden by "all", overridden by its own entry (as the CLI does)."""
    level = policy.enforcement_level or PACK_LEVEL
    for key in ("all", policy.name):
        entry = config.get(key)
        if isinstance(entry, Mapping):
            entry = entry.get("enforcementLevel")
        if isinstance(entry, str):
            level = EnforcementLevel(entry.lower())
        elif isinstance(entry, EnforcementLevel):
            level = entry
    return level


def policy_config(policy: Policy, config: Mapping[str, Any]) -> dict[str, Any]:
    """The properties of the policy's config entry, without its enforcement level."""
    entry = config.get(policy.name)
    if not isinstance(entry, Mapping):
        return {}
    return {k: v for k, v in entry.items() if k != "enforcementLevel"}


def review(
    resources: Sequence[GraphResource],
    *,
    stack: str,
    config: Mapping[str, Any] | None = None,
    policies: Sequence[Policy] | None = None,
) -> Review:
    """Violations and "known after apply" notes of every enabled rule, sorted."""
    config = load_config(stack) if config is None else config
    graph = _Graph(resources, stack)
    findings = _Findings(graph)
    for policy in ALL if policies is None else policies:
        level = enforcement_level(policy, config)
        if level == EnforcementLevel.DISABLED:
            continue
        # The engine reports a violation of a remediation policy as mandatory.
        shown: Level = "advisory" if level == EnforcementLevel.ADVISORY else "mandatory"
        settings = policy_config(policy, config)
        if isinstance(policy, ResourceValidationPolicy):
            for resource in resources:
                findings.run(policy, shown, graph.identify(resource.urn), graph.resource_args(resource, settings))
        elif isinstance(policy, StackValidationPolicy):
            findings.run(policy, shown, graph.stack_target, graph.stack_args(settings))
    return Review(
        violations=tuple(sorted(findings.violations, key=_violation_order)),
        notes=tuple(sorted(set(findings.notes), key=lambda n: (n.rule, n.resource_type, n.resource_name, n.message))),
    )


def evaluate(
    resources: Sequence[GraphResource], *, stack: str, config: Mapping[str, Any] | None = None
) -> list[Violation]:
    """Violations of every enabled rule, mandatory first, then by rule, resource and message."""
    return list(review(resources, stack=stack, config=config).violations)


def _violation_order(v: Violation) -> tuple[int, str, str, str, str]:
    return (0 if v.level == "mandatory" else 1, v.rule, v.resource_type, v.resource_name, v.message)


class _Findings:
    """What the rules report, each against the resource validated or the urn they name."""

    def __init__(self, graph: _Graph) -> None:
        self.graph = graph
        self.violations: list[Violation] = []
        self.notes: list[Note] = []

    def run(
        self,
        policy: ResourceValidationPolicy | StackValidationPolicy,
        level: Level,
        target: tuple[str, str],
        args: ResourceValidationArgs | StackValidationArgs,
    ) -> None:
        def where(urn: str | None) -> tuple[str, str]:
            return self.graph.identify(urn) if urn else target

        def report(message: str, urn: str | None = None) -> None:
            self.violations.append(Violation(policy.name, level, *where(urn), message))

        def note(message: str, urn: str | None) -> None:
            self.notes.append(Note(policy.name, *where(urn), message))

        with collecting(note):
            try:
                result = policy.validate(args, report)  # type: ignore[arg-type]
                if isawaitable(result):
                    asyncio.run(_wait(result))
            except UnknownValueError as e:
                # What the engine turns into a "can't run policy during preview" diagnostic.
                note(f"{'.'.join(e.props)} is known after apply", None)


async def _wait(result: Any) -> None:
    await result


def _plain(value: Any) -> Any:
    """Plain dicts and lists, as the engine deserializes properties, so the proxy wraps them."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _Graph:
    """The offline resources, indexed by URN, turned into pulumi_policy argument objects."""

    def __init__(self, resources: Sequence[GraphResource], stack: str) -> None:
        self.resources = list(resources)
        self.by_urn = {r.urn: r for r in self.resources}
        stack_resource = next((r for r in self.resources if r.type == STACK_TYPE), None)
        self.stack_target = (STACK_TYPE, stack_resource.name if stack_resource else stack)

    def identify(self, urn: str) -> tuple[str, str]:
        resource = self.by_urn.get(urn)
        if resource is not None:
            return resource.type, resource.name
        return _type_and_name(urn)

    def _options(self, resource: GraphResource) -> PolicyResourceOptions:
        return PolicyResourceOptions(
            protect=bool(resource.protect),
            ignore_changes=[],
            delete_before_replace=None,
            aliases=[],
            custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
            additional_secret_outputs=[],
            parent=resource.parent,
        )

    @cache  # noqa: B019 - one graph per review; rules read properties and never write them
    def _props(self, urn: str) -> Mapping[str, Any]:
        return unknown_checking_proxy(_plain(self.by_urn[urn].inputs))

    def _provider(self, resource: GraphResource) -> PolicyProviderResource | None:
        reference = resource.provider
        if not reference:
            return None
        # A provider reference is "<urn>::<id>"; the offline graph may give the URN alone.
        urn = reference if reference in self.by_urn or reference.count("::") < 4 else reference.rsplit("::", 1)[0]
        owner = self.by_urn.get(urn)
        if owner is not None:
            return PolicyProviderResource(owner.type, self._props(owner.urn), owner.urn, owner.name)
        provider_type, name = _type_and_name(urn)
        return PolicyProviderResource(provider_type, unknown_checking_proxy({}), urn, name)

    def resource_args(self, resource: GraphResource, config: Mapping[str, Any]) -> ResourceValidationArgs:
        return ResourceValidationArgs(
            resource.type,
            self._props(resource.urn),
            resource.urn,
            resource.name,
            self._options(resource),
            self._provider(resource),
            dict(config),
        )

    def _outputs(self, resource: GraphResource) -> Mapping[str, Any]:
        """What a stack policy sees: on the engine these are outputs, which carry the resource's id."""
        arm_id = getattr(resource, "id", None)
        if not arm_id or "id" in resource.inputs:
            return self._props(resource.urn)
        return unknown_checking_proxy(_plain({**resource.inputs, "id": arm_id}))

    @cached_property
    def _stack_resources(self) -> list[PolicyResource]:
        built = {
            r.urn: PolicyResource(
                r.type, self._outputs(r), r.urn, r.name, self._options(r), self._provider(r), None, [], {}
            )
            for r in self.resources
        }
        # Parents and dependencies point at resource objects, as the engine links them.
        for r in self.resources:
            policy_resource = built[r.urn]
            policy_resource.parent = built.get(r.parent) if r.parent else None
            policy_resource.dependencies = [built[d] for d in r.dependencies if d in built]
            # Which resource an unknown property comes from (e.g. whose identity a principalId is).
            policy_resource.property_dependencies = {
                prop: [built[d] for d in deps if d in built]
                for prop, deps in (getattr(r, "property_dependencies", None) or {}).items()
            }
        return list(built.values())

    def stack_args(self, config: Mapping[str, Any]) -> StackValidationArgs:
        return StackValidationArgs(list(self._stack_resources), dict(config))


def _type_and_name(urn: str) -> tuple[str, str]:
    """Type and name from "urn:pulumi:<stack>::<project>::<parent types$type>::<name>"."""
    parts = urn.split("::")
    if len(parts) < 4:
        return "", urn
    return parts[2].rsplit("$", 1)[-1], "::".join(parts[3:])
