"""Benchmark: post-deploy reconcile of 15 workspaces against the fake service, with real waits.

The stack: 15 workspaces (3 tenants x 5), each with 2 pulls (a model and a data asset) and 1 push
(an online or a batch endpoint), 10 catalog assets (4 environments, 6 components), and a
publisher workspace whose 2 shares put the pulled and pushed assets into the registry. Every
request to the fake sleeps 50 ms, like a round trip to Azure, and provisioning takes polls that
really wait (``Retry-After: 1``, waited as 0.1 s): deployments 8 polls, endpoints 2, registry versions, imports
and schedules 1. Azure's minutes and seconds are scaled down; the ratio between them is kept.

Two contenders, each against its own fresh fake, in the same run:

- post-deploy: ``inspect_plan`` + ``apply_plan`` (``max_workers=8``),
- naive: the same SDK calls, one after another, in a plain loop (check, then create).

Each runs three times: the full apply on an empty registry and empty workspaces, the no-op apply
on the converged state, and, on another fresh fake, a full apply in which one workspace's
deployment fails to provision. Run: ``uv run python bench/reconcile.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from azure.ai.ml.entities import (
    BatchEndpoint,
    Data,
    IdentityConfiguration,
    ManagedOnlineDeployment,
    ManagedOnlineEndpoint,
    Model,
    ModelBatchDeployment,
    ModelBatchDeploymentSettings,
)
from azure.core.exceptions import ResourceNotFoundError
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from postdeploy.apply import apply_plan
from postdeploy.clients import ClientFactory, quiet_sdk_logging
from postdeploy.context import StackContext, stack_context
from postdeploy.plan import inspect_plan
from postdeploy.push import deployment_name
from postdeploy.retry import RetryPolicy
from postdeploy.session import Session
from stacks.load import parse_config
from tests.fakeml import FakeAzureML, FakeCredential
from tests.fakeml.service import Lro, ProvisioningFailure

LATENCY = 0.05
TENANTS, WORKSPACES_PER_TENANT = 3, 5
WAIT_SCALE = 0.1  # Retry-After: 1 s on the wire, 0.1 s waited
POLLS = {"/deployments/": 8, "/onlineEndpoints/": 2, "/batchEndpoints/": 2}
FAILING = "/workspaces/mlw-t01-w1-bench/onlineEndpoints/ep-online-06/deployments/"
MAX_WORKERS = 8
SUB = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"

ENVIRONMENT = """\
name: bench-env-{i}
version: "1"
image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest
description: benchmark environment {i}
"""
COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
name: bench_step_{i}
version: "1"
type: command
inputs:
  data: {{type: uri_folder}}
outputs:
  out: {{type: uri_folder}}
environment: azureml:bench-env-{env}:1
command: python -c "print({i})" ${{{{inputs.data}}}} ${{{{outputs.out}}}}
"""


def write_catalog(root: Path) -> tuple[list[str], list[str]]:
    (root / "catalog").mkdir()
    environments, components = [], []
    for i in range(4):
        (root / f"catalog/env{i}.yml").write_text(ENVIRONMENT.format(i=i))
        environments.append(f"catalog/env{i}.yml")
    for i in range(6):
        (root / f"catalog/step{i}.yml").write_text(COMPONENT.format(i=i, env=i % 4))
        components.append(f"catalog/step{i}.yml")
    return environments, components


def bench_context(root: Path) -> StackContext:
    environments, components = write_catalog(root)
    tenants, pushes, refs = [], [], []
    for t in range(TENANTS):
        workspaces = []
        for w in range(WORKSPACES_PER_TENANT):
            region = ("westeurope", "northeurope")[(t * WORKSPACES_PER_TENANT + w) % 2]
            workspaces.append({"key": f"w{w}", "subscriptionId": SUB, "region": region})
            refs.append(f"t{t:02d}/w{w}")
        tenants.append({"key": f"t{t:02d}", "workspaces": workspaces})
    tenants.append({"key": "publisher", "workspaces": [{"key": "w0", "subscriptionId": SUB, "region": "westeurope"}]})
    for n, ref in enumerate(refs):
        endpoint = ({"kind": "online", "name": f"ep-online-{n:02d}", "instanceType": "Standard_DS3_v2"}
                    if n % 2 == 0 else {"kind": "batch", "name": f"ep-batch-{n:02d}"})
        pushes.append({"model": "bench-model", "version": "1", "to": [ref], "endpoint": endpoint})
    raw = {
        "entraTenantId": "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11",
        "registry": {"name": "mlreg-bench", "subscriptionId": "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01",
                     "resourceGroup": "rg-mlreg-bench", "primaryRegion": "westeurope",
                     "additionalRegions": ["northeurope"],
                     "owner": {"objectId": "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01", "type": "ServicePrincipal"}},
        "tenants": tenants,
        "catalog": {"environments": environments, "components": components},
        "sharing": {
            "share": [{"from": "publisher/w0", "model": "bench-model", "version": "1"},
                      {"from": "publisher/w0", "data": "bench-data", "version": "1"}],
            "push": pushes,
            "pull": [{"model": "bench-model", "version": "1", "into": refs},
                     {"data": "bench-data", "version": "1", "into": refs}],
        },
    }
    cfg = parse_config(raw, environment="bench", project_dir=root)
    return stack_context(cfg, project_dir=root)


def fresh_fake(context: StackContext, *, failing: bool = False) -> FakeAzureML:
    fake = FakeAzureML(latency=LATENCY, wait_scale=WAIT_SCALE)
    fake.service.lro = Lro(polls=1, retry_after=1, polls_by_path=dict(POLLS))
    if failing:
        fake.service.failures.append(ProvisioningFailure(FAILING, times=None))
    reg = context.targets.registry
    fake.add_registry(reg.name, subscription_id=reg.subscription_id, resource_group=reg.resource_group)
    for site in context.targets.workspaces.values():
        fake.add_workspace(site.subscription_id, site.resource_group, site.name, location=site.region)
    source = context.targets.workspace(context.config.sharing.share[0].from_)
    ws = fake.workspace(source.subscription_id, source.resource_group, source.name)
    fake.seed_workspace_asset(ws, "models", "bench-model", "1", {"modelType": "mlflow_model",
                                                                  "modelUri": "azureml://datastores/x/paths/m/"})
    fake.seed_workspace_asset(ws, "data", "bench-data", "1", {"dataType": "uri_folder",
                                                               "dataUri": "azureml://datastores/x/paths/d/"})
    return fake


@dataclass(frozen=True)
class Run:
    seconds: float
    reads: int
    writes: int
    failures: int


def measure(fake: FakeAzureML, run: Callable[[], int]) -> Run:
    fake.clear_requests()
    started = time.perf_counter()
    failures = run()
    return Run(time.perf_counter() - started, len(fake.reads()), len(fake.writes()), failures)


def postdeploy_run(context: StackContext, fake: FakeAzureML) -> int:
    factory = ClientFactory(FakeCredential(), transport=fake, retry=RetryPolicy(),
                            poll_sleep=lambda seconds: time.sleep(seconds * WAIT_SCALE))
    session = Session(context, factory)
    plan = inspect_plan(session, max_workers=MAX_WORKERS)
    return len(apply_plan(plan, session, max_workers=MAX_WORKERS).failures)


def naive_run(context: StackContext, fake: FakeAzureML) -> int:
    """What a first script would do: for each item, ask, and create what is missing -- one at a time.
    The first error ends it, as it would end such a script."""
    try:
        return _naive(context, fake)
    except Exception:
        return 1


def _naive(context: StackContext, fake: FakeAzureML) -> int:
    factory = ClientFactory(FakeCredential(), transport=fake)
    targets, cfg = context.targets, context.config
    registry = factory.registry(targets.registry)
    for asset in (*context.catalog.environments, *context.catalog.components):
        group = registry.environments if asset.kind == "environments" else registry.components
        try:
            group.get(name=asset.name, version=asset.version)
        except ResourceNotFoundError:
            group.create_or_update(asset.entity())
    for entry in cfg.sharing.share:
        group = registry.models if entry.asset_kind == "model" else registry.data
        try:
            group.get(name=entry.asset_name, version=entry.version)
        except ResourceNotFoundError:
            source = factory.workspace(targets.workspace(entry.from_), purpose="share")
            getattr(source, "models" if entry.asset_kind == "model" else "data").share(
                name=entry.asset_name, version=entry.version, share_with_name=entry.asset_name,
                share_with_version=entry.version, registry_name=targets.registry.name)
    for entry in cfg.sharing.push:
        e, model_uri = entry.endpoint, f"azureml://registries/{targets.registry.name}/models/{entry.model}" \
            f"/versions/{entry.version}"
        deployment = deployment_name(entry.model, entry.version)
        for ref in entry.to:
            ws = factory.workspace(targets.workspace(ref))
            endpoints = ws.online_endpoints if e.kind == "online" else ws.batch_endpoints
            deployments = ws.online_deployments if e.kind == "online" else ws.batch_deployments
            try:
                endpoints.get(e.name)
                continue
            except ResourceNotFoundError:
                pass
            if e.kind == "online":
                endpoints.begin_create_or_update(ManagedOnlineEndpoint(
                    name=e.name, auth_mode="key", identity=IdentityConfiguration(type="system_assigned"))).result()
                deployments.begin_create_or_update(ManagedOnlineDeployment(
                    name=deployment, endpoint_name=e.name, model=model_uri, instance_type=e.instance_type,
                    instance_count=e.instance_count)).result()
            else:
                endpoints.begin_create_or_update(BatchEndpoint(name=e.name)).result()
                deployments.begin_create_or_update(ModelBatchDeployment(
                    name=deployment, endpoint_name=e.name, model=model_uri,
                    compute=e.compute or targets.workspace(ref).compute,
                    settings=ModelBatchDeploymentSettings(mini_batch_size=10, instance_count=e.instance_count),
                )).result()
            endpoint = endpoints.get(e.name)
            if e.kind == "online":
                endpoint.traffic = {deployment: 100}
            else:
                endpoint.defaults = {"deployment_name": deployment}
            endpoints.begin_create_or_update(endpoint).result()
    for entry in cfg.sharing.pull:
        uri = f"azureml://registries/{targets.registry.name}/{'models' if entry.asset_kind == 'model' else 'data'}" \
              f"/{entry.asset_name}/versions/{entry.version}"
        for ref in entry.into:
            ws = factory.workspace(targets.workspace(ref))
            group = ws.models if entry.asset_kind == "model" else ws.data
            try:
                group.get(name=entry.asset_name, version=entry.version)
            except ResourceNotFoundError:
                source = (registry.models if entry.asset_kind == "model" else registry.data).get(
                    name=entry.asset_name, version=entry.version)
                cls = Model if entry.asset_kind == "model" else Data
                group.create_or_update(cls(name=entry.asset_name, version=entry.version, path=uri, type=source.type))
    return 0


def _pushed(context: StackContext, fake: FakeAzureML) -> int:
    """Endpoints that serve their deployment (traffic or default set) after a run."""
    serving = 0
    for entry in context.config.sharing.push:
        for ref in entry.to:
            site = context.targets.workspace(ref)
            ws = fake.workspace(site.subscription_id, site.resource_group, site.name)
            kind = "onlineEndpoints" if entry.endpoint.kind == "online" else "batchEndpoints"
            props = (ws.child(kind, entry.endpoint.name) or {}).get("properties", {})
            if props.get("traffic") or (props.get("defaults") or {}).get("deploymentName"):
                serving += 1
    return serving


def _asset_names(context: StackContext, fake: FakeAzureML) -> int:
    """Model and data names across the workspaces: the prune scan lists the versions of each."""
    names = 0
    for site in context.targets.workspaces.values():
        ws = fake.workspace(site.subscription_id, site.resource_group, site.name)
        names += len({(kind, name) for kind, name, _ in ws.assets if kind in ("models", "data")})
    return names


def main() -> int:
    quiet_sdk_logging()
    console = Console(width=max(Console().width, 110))
    with tempfile.TemporaryDirectory() as tmp:
        context = bench_context(Path(tmp))
        specs = (len(context.catalog.environments) + len(context.catalog.components)
                 + len(context.config.sharing.share)
                 + sum(len(p.to) for p in context.config.sharing.push)
                 + sum(len(p.into) for p in context.config.sharing.pull))
        console.print(f"{len(context.targets.workspaces) - 1} workspaces + 1 publisher, {specs} declared items, "
                      f"{LATENCY * 1000:.0f} ms per request, max_workers={MAX_WORKERS}")
        results = {}
        for name, run in (("post-deploy", postdeploy_run), ("naive sequential", naive_run)):
            fake = fresh_fake(context)
            console.print(f"[dim]{name}: full apply ...[/]")
            full = measure(fake, lambda run=run, fake=fake: run(context, fake))
            console.print(f"[dim]{name}: no-op apply ...[/]")
            noop = measure(fake, lambda run=run, fake=fake: run(context, fake))
            failing_fake = fresh_fake(context, failing=True)
            console.print(f"[dim]{name}: apply with one failing deployment ...[/]")
            failing = measure(failing_fake, lambda run=run, fake=failing_fake: run(context, fake))
            done = _pushed(context, failing_fake)
            results[name] = (full, noop, failing, done)
            if name == "post-deploy":
                names = _asset_names(context, fake)

    table = Table(title="post-deploy reconcile benchmark")
    for column in ("", "full apply (s)", "reads", "writes", "no-op apply (s)", "reads", "writes",
                   "one deployment fails (s)", "failures", "endpoints serving"):
        table.add_column(column, justify="right" if column else "left")
    pushes = sum(len(p.to) for p in context.config.sharing.push)
    for name, (full, noop, failing, done) in results.items():
        table.add_row(name, f"{full.seconds:.1f}", str(full.reads), str(full.writes), f"{noop.seconds:.1f}",
                      str(noop.reads), str(noop.writes), f"{failing.seconds:.1f}", str(failing.failures),
                      f"{done}/{pushes}")
    console.print(table)
    (full, noop, failing, done), (naive_full, _, _, _) = results["post-deploy"], results["naive sequential"]
    speedup = naive_full.seconds / full.seconds
    # Building the registry client asks the discovery service where the registry lives: one read
    # per run that belongs to no declared item. The prune scan lists each workspace's schedules,
    # online and batch endpoints (except the endpoint lists the pushes read already), its model and
    # data names, and the versions of each name.
    item_reads = noop.reads - 1
    pushes = sum(len(p.to) for p in context.config.sharing.push)
    scan = 5 * len(context.targets.workspaces) - pushes + names
    checks = {
        "no-op apply sends zero writes": noop.writes == 0,
        f"no-op reads: {item_reads} for {specs} declared items + {scan} prune-scan lists, + 1 registry discovery":
            item_reads <= specs + scan,
        f"full apply >= 5x faster than naive ({speedup:.1f}x)": speedup >= 5,
        "no failures": full.failures == noop.failures == 0,
        "one failing deployment fails one push; every other endpoint serves": (
            failing.failures == 1 and done == pushes - 1),
    }
    for check, ok in checks.items():
        console.print(f"{'[green]ok[/]' if ok else '[bold red]MISSED[/]'}  {check}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
