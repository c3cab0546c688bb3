"""Run the real Pulumi program under the mock engine and capture every registration.

Resource options (parent, provider, protect, dependencies) are only visible in the
RegisterResource requests, so the monitor keeps them; inputs are read back with unknowns
preserved, the way a real preview shows them.
"""

from __future__ import annotations

import copy
import gc
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_root_resource, set_root_resource

from preview.arm import arm_id, azure_name
from preview.graph import UNKNOWN, CapturedResource, Graph
from program.config import load_from_pulumi
from program.platform import deploy
from stacks.load import NAMESPACE, PROJECT_DIR, pulumi_config_values
from stacks.model import PlatformConfig

PROVIDER_TYPE = "pulumi:providers:azure-native"

# Outputs Azure computes at create time: unknown in a preview, so unknown here too.
COMPUTED_OUTPUTS: dict[str, dict[str, Any]] = {
    "azure-native:machinelearningservices:Workspace": {
        "identity": {"type": "SystemAssigned", "principalId": rpc.UNKNOWN}
    },
    "azure-native:machinelearningservices:Compute": {
        "identity": {"type": "SystemAssigned", "principalId": rpc.UNKNOWN}
    },
    "azure-native:machinelearningservices:Registry": {"discoveryUrl": rpc.UNKNOWN},
}


class AzureMocks(pulumi.runtime.Mocks):
    """Answers like ARM: ids from subscription, resource group and name; computed values unknown."""

    def __init__(self) -> None:
        self.provider_subscriptions: dict[str, str] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        inputs = dict(args.inputs)
        if args.typ == PROVIDER_TYPE:
            return f"provider-{args.name}", inputs
        sub = self.subscription_of(args.provider)
        state = {**inputs, "name": azure_name(args.typ, inputs, args.name)}
        for key, value in COMPUTED_OUTPUTS.get(args.typ, {}).items():
            state[key] = {**(inputs.get(key) or {}), **value} if isinstance(value, dict) else value
        return arm_id(args.typ, inputs, args.name, sub), state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}

    def subscription_of(self, provider_ref: str | None) -> str | None:
        if not provider_ref:
            return None
        return self.provider_subscriptions.get(_provider_urn(provider_ref))


class CapturingMonitor(MockMonitor):
    def __init__(self, mocks: AzureMocks) -> None:
        super().__init__(mocks)
        self.azure_mocks = mocks
        self.captured: list[CapturedResource] = []
        self.stack_urn: str | None = None
        self.stack_outputs: dict[str, Any] = {}

    def RegisterResourceOutputs(self, request):
        if request.urn == self.stack_urn:
            self.stack_outputs = _plain(rpc.deserialize_properties(request.outputs, keep_unknowns=True))
        return super().RegisterResourceOutputs(request)

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = response.urn
            return response
        inputs = _plain(rpc.deserialize_properties(request.object, keep_unknowns=True))
        # MockMonitor keeps each state for lookups by URN, which this program never makes; `captured`
        # holds the inputs, so the second copy is dropped (it is a tenth of a large stack's memory).
        registration = self.resources.get(response.urn)
        if registration is not None and request.type != PROVIDER_TYPE:
            self.resources[response.urn] = registration._replace(state={})
        if request.type == PROVIDER_TYPE:
            self.azure_mocks.provider_subscriptions[response.urn] = inputs.get("subscriptionId")
        provider = _provider_urn(request.provider)
        self.captured.append(
            CapturedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent or None,
                provider=provider,
                protect=bool(request.protect),
                delete_before_replace=bool(request.deleteBeforeReplace),
                retain_on_delete=bool(request.retainOnDelete),
                inputs=inputs,
                dependencies=tuple(sorted(request.dependencies)),
                subscription_id=self.azure_mocks.subscription_of(request.provider)
                if request.type != PROVIDER_TYPE
                else inputs.get("subscriptionId"),
                id=response.id or None,
                property_dependencies={
                    prop: tuple(sorted(deps.urns)) for prop, deps in sorted(request.propertyDependencies.items())
                },
            )
        )
        return response


def _provider_urn(reference: str | None) -> str | None:
    """A provider reference is "<urn>::<id>"; URNs contain "::" themselves."""
    return reference.rsplit("::", 1)[0] if reference else None


def _plain(value: Any) -> Any:
    """Engine values as plain JSON-able Python, with unknowns spelled out."""
    if isinstance(value, Unknown) or value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def run_program(
    raw_config: Mapping[str, Any],
    stack: str,
    program: Callable[[PlatformConfig], Any] | None = None,
    *,
    project_dir: Path = PROJECT_DIR,
    source: str | None = None,
) -> Graph:
    """Validate config exactly as `pulumi up` would, then run the program offline.

    The config is read back from the engine's config, as the program reads it under `pulumi up`,
    and parsed once. Raises ConfigError before anything is registered when it is invalid. The
    default program is ``program.platform.deploy``, which ``__main__.py`` runs too; what it returns
    (the platform: topology and grants) comes back on the graph.
    """
    mocks = AzureMocks()
    monitor = CapturingMonitor(mocks)
    # A fresh root stack per run: set_mocks keeps an existing one, whose outputs would go to the last monitor.
    set_root_resource(None)
    pulumi.runtime.set_mocks(mocks, project=NAMESPACE, stack=stack, preview=True, monitor=monitor)
    pulumi.runtime.set_all_config(pulumi_config_values(raw_config))
    config = load_from_pulumi(project_dir, source)  # fail before the engine registers anything
    body = program or deploy
    returned: list[Any] = []

    @pulumi.runtime.test
    @_without_source_positions
    def run() -> None:
        pulumi.runtime.register_stack_transformation(drop_version_type_aliases)
        pulumi.runtime.register_stack_transformation(_Drain())
        returned.append(body(config))
        # The mock engine registers the root stack's outputs before the program runs; register
        # the exports again so the monitor sees them like the engine would.
        root = get_root_resource()
        root.register_outputs(dict(root.outputs))

    # The engine allocates millions of small objects (Outputs, futures, tasks) that live until the
    # program ends; the collector's passes over them grow with the heap (a third of a 1,000-tenant
    # run), and the cycles it would free are few, so it waits until the program is done.
    gc.disable()
    try:
        run()
    finally:
        gc.enable()
    return Graph(
        stack=stack,
        resources=tuple(monitor.captured),
        outputs=monitor.stack_outputs,
        config=config,
        platform=returned[0] if returned else None,
    )


class _Drain:
    """A stack transformation that, every ``every`` resources, lets the registrations queued so far finish.

    A Pulumi program constructs every resource before the event loop registers any, so under the mock
    engine all of a large stack's pending registrations (futures, tasks, serialized requests) live at
    once; finishing them in batches keeps the peak memory of a 1,000-tenant preview bounded. Pending
    registrations only wait on resources constructed before them, so draining cannot deadlock.
    Registration order, and so preview.json, is unchanged.
    """

    def __init__(self, every: int = 250, collect_every: int = 16) -> None:
        self.every = every
        self.collect_every = collect_every
        self.count = 0

    def __call__(self, args: pulumi.ResourceTransformationArgs) -> None:
        self.count += 1
        if self.count % self.every == 0:
            from pulumi.runtime.settings import SETTINGS
            from pulumi.runtime.sync_await import _sync_await

            pending = list(SETTINGS.rpc_manager.rpcs)
            if pending:
                _sync_await(_settle(pending))
            if self.count % (self.every * self.collect_every) == 0:
                # The collector is off while the program runs (see run_program); the settled
                # registrations leave cycles behind, freed here a few times per run.
                gc.collect()
        return None


async def _settle(pending: list[Any]) -> None:
    import asyncio

    await asyncio.gather(*pending, return_exceptions=True)


def _without_source_positions(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Skip the source position Pulumi records for every registration (a walk of the Python stack
    with source lines read per resource): it is for the Pulumi service's UI, which a mock engine has
    not, and it was a sixth of a 1,000-tenant preview."""
    from pulumi.runtime import resource as runtime_resource
    from pulumi.runtime.proto import source_pb2

    def wrapper() -> Any:
        original = runtime_resource._get_stack_trace
        runtime_resource._get_stack_trace = source_pb2.StackTrace
        try:
            return fn()
        finally:
            runtime_resource._get_stack_trace = original

    return wrapper


# azure-native classes carry an alias for every older API version of their type, so a real engine
# finds state recorded under those types. Without state they mean nothing, yet each becomes an
# Output per resource; dropping them cuts the mock engine's time and memory about fourfold.
_VERSION_TYPE = re.compile(r"^azure-native:[a-z0-9]+/v[0-9a-z]+:")


def _is_version_type_alias(alias: object) -> bool:
    if not isinstance(alias, pulumi.Alias) or not isinstance(alias.type_, str):
        return False
    others = (alias.name, alias.parent, alias.stack, alias.project)
    return bool(_VERSION_TYPE.match(alias.type_)) and all(o is ... or o is None for o in others)


def drop_version_type_aliases(
    args: pulumi.ResourceTransformationArgs,
) -> pulumi.ResourceTransformationResult | None:
    aliases = args.opts.aliases or []
    kept = [a for a in aliases if not _is_version_type_alias(a)]
    if len(kept) == len(aliases):
        return None
    opts = copy.copy(args.opts)
    opts.aliases = kept
    return pulumi.ResourceTransformationResult(args.props, opts)
