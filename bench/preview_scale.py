"""How the offline preview scales with the number of tenants, against the engine's own floor.

    uv run python bench/preview_scale.py                 # 10, 100 and 300 tenants
    uv run python bench/preview_scale.py --sizes 10 50   # other sizes
    uv run python bench/preview_scale.py --size 100 --json   # one size, one process, JSON out
    uv run python bench/preview_scale.py --end-to-end --sizes 100 300 1000   # the whole CLI

``--end-to-end`` runs `ml-tenancy preview` itself (config validation, catalog, program, policy pack,
post-deploy plan, review.md / review-full.md, preview.json) on a synthetic stack file in a scratch
project, one process per size, and reports wall time, peak RSS and the size of review.md, which
must fit one pull-request comment (65,536 characters).

Each size runs in a fresh process so its peak RSS is its own. In that process the real program
(config validation, components, access planning) runs under the mock engine, then the floor: the
same azure-native resources (same type tokens, count, providers, similar inputs and dependencies)
registered by a bare loop under the same mocks, monitor and `pulumi.runtime.test` wrapper. The
ratio of the two is what the program adds on top of what Pulumi itself costs. Program and floor
each run in a fork of the warmed-up size process (see `_in_child`), so neither inherits the
other's heap; CPU time is reported next to wall time because the machine may be shared.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import pickle
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages live next to bench/
    sys.path.insert(0, str(ROOT))

STACK = "bench"
REGIONS = ("westeurope", "northeurope", "eastus")
REGISTRY_SUB = "0b7e4c2d-1a3f-4e5b-8c6d-000000000000"
TENANT_SUBS = tuple(f"6d8f0a2c-4e1b-4a3d-9c5e-00000000000{i}" for i in range(4))
ENTRA = "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11"
OWNER = "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01"
RA_TYPE = "azure-native:authorization:RoleAssignment"
TARGET_RATIO, TARGET_GROWTH, TARGET_RSS_MIB = 1.25, 3.3, 1024


def synthetic_raw(tenants: int) -> dict[str, Any]:
    """A valid stack config: one workspace and two members per tenant, a little sharing."""
    blocks = []
    for i in range(tenants):
        blocks.append(
            {
                "key": f"t{i:04d}",
                "displayName": f"Tenant {i}",
                "members": [
                    {"objectId": f"7c2e1f4a-3b5d-4e6f-8a9b-{2 * i:012d}", "type": "Group",
                     "label": f"grp-t{i:04d}-ds", "roles": ["dataScientist", "registryUser"]},
                    {"objectId": f"7c2e1f4a-3b5d-4e6f-8a9b-{2 * i + 1:012d}", "type": "User",
                     "label": f"user@t{i:04d}.example", "roles": ["computeOperator"]},
                ],
                "workspaces": [
                    {"key": "ws1", "subscriptionId": TENANT_SUBS[i % len(TENANT_SUBS)], "region": REGIONS[i % 3]}
                ],
            }
        )
    refs = [f"t{i:04d}/ws1" for i in range(tenants)]
    return {
        "entraTenantId": ENTRA,
        "registry": {
            "name": "mlreg-bench",
            "subscriptionId": REGISTRY_SUB,
            "resourceGroup": "rg-mlreg-bench",
            "primaryRegion": REGIONS[0],
            "additionalRegions": list(REGIONS[1:]),
            "owner": {"objectId": OWNER, "type": "ServicePrincipal", "label": "sp-ml-platform-bench"},
        },
        "tenants": blocks,
        "catalog": {"environments": ["catalog/environments/sklearn.yml"]},
        "sharing": {
            "share": [{"from": ref, "model": f"model-{n}", "version": "1"} for n, ref in enumerate(refs[::10])],
            # Endpoint names are unique per region: the first workspace of each region gets one.
            "push": [
                {"model": "model-0", "version": "1", "to": [ref],
                 "endpoint": {"kind": "online", "name": f"scoring-{n}", "instanceType": "Standard_DS3_v2"}}
                for n, ref in enumerate(refs[:3])
            ],
            "pull": [{"environment": "sklearn-env", "version": "1", "into": refs}],
        },
    }


# --- the floor -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FloorAssignment:
    """One role assignment as the program registered it; the floor registers it again, bare."""

    name: str
    subscription: str
    inputs: dict[str, Any]
    scope_kind: str        # "registry" | "workspace" | "subscription" | "other"
    scope_site: int | None  # index of the workspace the scope or the identity belongs to
    identity: str | None    # "workspace" | "compute" when the principal is a managed identity


@dataclass(frozen=True)
class FloorSpec:
    subscriptions: tuple[str, ...]
    sites: tuple[tuple[str, str, str], ...]  # (tenant key, subscription, region)
    assignments: tuple[FloorAssignment, ...]


def floor_spec(raw: dict[str, Any], graph) -> FloorSpec:
    """What the floor registers, taken from the config dict and the program's own role assignments."""
    from preview.graph import UNKNOWN

    sites = tuple(
        (t["key"], w["subscriptionId"], w["region"]) for t in raw["tenants"] for w in t["workspaces"]
    )
    index = {f"{tenant}-ws1": i for i, (tenant, _, _) in enumerate(sites)}
    # Managed identities are read from the workspace or compute the assignment depends on.
    site_of_ws_urn = {
        r.urn: (index[r.name.removesuffix("-compute")], r.type.rsplit(":", 1)[1])
        for r in graph.resources
        if r.type in ("azure-native:machinelearningservices:Workspace", "azure-native:machinelearningservices:Compute")
    }
    assignments = []
    for r in graph.of_type(RA_TYPE):
        deps = [site_of_ws_urn[d] for d in r.dependencies if d in site_of_ws_urn]
        scope = r.inputs["scope"]
        kind = (
            "subscription" if scope.count("/") == 2
            else "registry" if "/registries/" in scope
            else "workspace" if scope.endswith(f"/workspaces/{scope.rsplit('/', 1)[-1]}")
            else "other"
        )
        unknown = r.inputs["principalId"] == UNKNOWN
        assignments.append(
            FloorAssignment(
                name=r.name,
                subscription=r.subscription_id,
                inputs={k: v for k, v in r.inputs.items() if k != "principalId" or not unknown},
                scope_kind=kind,
                scope_site=deps[0][0] if deps else None,
                identity=("compute" if deps and deps[0][1] == "Compute" else "workspace") if unknown else None,
            )
        )
    providers = [r.inputs["subscriptionId"] for r in graph.of_type("pulumi:providers:azure-native")]
    return FloorSpec(tuple(providers), sites, tuple(assignments))


def floor_program(spec: FloorSpec) -> None:
    """The same azure-native resources with the same wiring, in one flat loop."""
    import pulumi
    import pulumi_azure_native as azure_native
    from pulumi_azure_native import (
        applicationinsights,
        authorization,
        containerregistry,
        keyvault,
        monitor,
        operationalinsights,
        resources,
        storage,
    )
    from pulumi_azure_native import machinelearningservices as ml

    providers = {
        sub: azure_native.Provider(f"azure-{sub}", subscription_id=sub, tenant_id=ENTRA) for sub in spec.subscriptions
    }

    def on(sub: str, **extra) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(provider=providers[sub], **extra)

    rg = resources.ResourceGroup("reg-rg", resource_group_name="rg-mlreg-bench", location=REGIONS[0],
                                 opts=on(REGISTRY_SUB))
    log = operationalinsights.Workspace(
        "reg-log", workspace_name="log-mlreg-bench", resource_group_name=rg.name, location=REGIONS[0],
        sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"), retention_in_days=90, opts=on(REGISTRY_SUB),
    )
    registry = ml.Registry(
        "reg", registry_name="mlreg-bench", resource_group_name=rg.name, location=REGIONS[0],
        identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"), public_network_access="Enabled",
        region_details=[
            ml.RegistryRegionArmDetailsArgs(
                location=region,
                storage_account_details=[ml.StorageAccountDetailsArgs(
                    system_created_storage_account=ml.SystemCreatedStorageAccountArgs(
                        allow_blob_public_access=False, storage_account_hns_enabled=False,
                        storage_account_type="Standard_LRS"))],
                acr_details=[ml.AcrDetailsArgs(
                    system_created_acr_account=ml.SystemCreatedAcrAccountArgs(acr_account_sku="Premium"))],
            )
            for region in REGIONS
        ],
        opts=on(REGISTRY_SUB, protect=True),
    )
    monitor.DiagnosticSetting(
        "reg-audit", name="audit", resource_uri=registry.id, workspace_id=log.id,
        logs=[monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True)
              for c in ("RegistryAssetReadEvent", "RegistryAssetWriteEvent")],
        opts=on(REGISTRY_SUB),
    )

    workspaces, computes = [], []
    for i, (tenant, sub, region) in enumerate(spec.sites):
        n = f"{tenant}-ws1"
        tags = {"environment": STACK, "tenant": tenant, "managed-by": "ml-tenancy"}
        common = {"location": region, "tags": tags}
        group = resources.ResourceGroup(f"{n}-rg", resource_group_name=f"rg-ml-{n}", opts=on(sub), **common)
        st = storage.StorageAccount(
            f"{n}-st", account_name=f"st{tenant}ws1{i:08d}", resource_group_name=group.name, kind="StorageV2",
            sku=storage.SkuArgs(name="Standard_LRS"), minimum_tls_version="TLS1_2", enable_https_traffic_only=True,
            allow_blob_public_access=False, allow_shared_key_access=False, allow_cross_tenant_replication=False,
            public_network_access="Enabled", opts=on(sub, protect=True), **common,
        )
        kv = keyvault.Vault(
            f"{n}-kv", vault_name=f"kv-{tenant}ws1-{i:08d}", resource_group_name=group.name,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=ENTRA, sku=keyvault.SkuArgs(family="A", name="standard"), enable_rbac_authorization=True,
                enable_soft_delete=True, soft_delete_retention_in_days=90, enable_purge_protection=True,
                public_network_access="Enabled",
            ),
            opts=on(sub, protect=True), **common,
        )
        wlog = operationalinsights.Workspace(
            f"{n}-log", workspace_name=f"log-{n}", resource_group_name=group.name,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"), retention_in_days=30,
            features=operationalinsights.WorkspaceFeaturesArgs(disable_local_auth=True), opts=on(sub), **common,
        )
        appi = applicationinsights.Component(
            f"{n}-appi", resource_name_=f"appi-{n}", resource_group_name=group.name, kind="web",
            application_type="web", workspace_resource_id=wlog.id, ingestion_mode="LogAnalytics",
            opts=on(sub), **common,
        )
        cr = containerregistry.Registry(
            f"{n}-cr", registry_name=f"cr{tenant}ws1{i:08d}", resource_group_name=group.name,
            sku=containerregistry.SkuArgs(name="Basic"), admin_user_enabled=False, public_network_access="Enabled",
            opts=on(sub), **common,
        )
        ws = ml.Workspace(
            n, workspace_name=f"mlw-{n}", resource_group_name=group.name, friendly_name=f"mlw-{n}",
            identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"), v1_legacy_mode=False,
            public_network_access="Enabled", storage_account=st.id, key_vault=kv.id, application_insights=appi.id,
            container_registry=cr.id, system_datastores_auth_mode="identity", opts=on(sub, protect=True), **common,
        )
        compute = ml.Compute(
            f"{n}-compute", compute_name="cpu-cluster", workspace_name=ws.name, resource_group_name=group.name,
            location=region, identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"),
            properties=ml.AmlComputeArgs(
                compute_type="AmlCompute", disable_local_auth=True,
                properties=ml.AmlComputePropertiesArgs(
                    vm_size="Standard_DS3_v2", vm_priority="Dedicated", enable_node_public_ip=True,
                    remote_login_port_public_access="Disabled",
                    scale_settings=ml.ScaleSettingsArgs(
                        min_node_count=0, max_node_count=4, node_idle_time_before_scale_down="PT30M"),
                ),
            ),
            tags=tags, opts=on(sub),
        )
        # Blob recovery and the four resource-log settings each workspace gets (components/safeguards.py).
        blob = storage.BlobServiceProperties(
            f"{n}-blob-recovery", account_name=st.name, resource_group_name=group.name, blob_services_name="default",
            delete_retention_policy=storage.DeleteRetentionPolicyArgs(enabled=True, days=30),
            container_delete_retention_policy=storage.DeleteRetentionPolicyArgs(enabled=True, days=30),
            is_versioning_enabled=True, opts=on(sub, depends_on=[st]),
        )
        for what, target in (("mlw", ws), ("kv", kv), ("blob", blob), ("cr", cr)):
            monitor.DiagnosticSetting(
                f"{n}-{what}-audit", name="audit-to-log-mlreg-bench", resource_uri=target.id, workspace_id=log.id,
                log_analytics_destination_type="Dedicated",
                logs=[monitor.DiagnosticsLogSettingsArgs(category_group="audit", enabled=True)],
                opts=on(sub, depends_on=[target]),
            )
        workspaces.append(ws)
        computes.append(compute)

    for a in spec.assignments:
        principal: Any = a.inputs.get("principalId")
        if a.identity == "workspace":
            principal = workspaces[a.scope_site].identity.apply(lambda i: i.principal_id)
        elif a.identity == "compute":
            principal = computes[a.scope_site].identity.apply(lambda i: i.principal_id if i else None)
        # Like the program, an assignment waits for the resource its scope names.
        owner = None
        if a.scope_kind == "registry":
            owner = registry
        elif a.scope_kind == "workspace" and a.scope_site is not None:
            owner = workspaces[a.scope_site]
        authorization.RoleAssignment(
            a.name,
            role_assignment_name=a.inputs["roleAssignmentName"],
            scope=a.inputs["scope"],
            role_definition_id=a.inputs["roleDefinitionId"],
            principal_id=principal,
            principal_type=a.inputs["principalType"],
            description=a.inputs.get("description"),
            opts=on(a.subscription, depends_on=[owner] if owner is not None else []),
        )


def run_floor(spec: FloorSpec):
    """The floor under the very harness the program runs in: `run_program` with the loop as program.

    Going through `run_program` keeps mocks, monitor, `pulumi.runtime.test` wrapper and any later
    change to them identical for both sides. It validates a one-tenant config first (about a
    millisecond), so the floor carries no config work of its own size.
    """
    from preview.engine import run_program

    return run_program(synthetic_raw(1), STACK, program=lambda _config: floor_program(spec))


# --- one size, in this process -------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    peak_rss_mib: float


@dataclass(frozen=True)
class Result:
    tenants: int
    resources: int
    azure_resources: int
    program: Run
    floor: Run

    @property
    def ratio_wall(self) -> float:
        return self.program.wall_s / self.floor.wall_s

    @property
    def ratio_cpu(self) -> float:
        return self.program.cpu_s / self.floor.cpu_s

    @property
    def per_second(self) -> float:
        return self.resources / self.program.wall_s

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        return cls(**{**data, "program": Run(**data["program"]), "floor": Run(**data["floor"])})


def _azure_types(graph) -> Counter:
    return Counter(r.type for r in graph.resources if r.type.startswith(("azure-native:", "pulumi:providers:")))


def _in_child(work):
    """Run `work` in a forked copy of this (warmed-up) process; return its result and its own peak RSS.

    Running program and floor one after the other in one heap is unfair to the second: the first
    leaves pending engine tasks and a larger heap behind, which every later garbage collection
    walks (measured: the same run is 30-40% slower the second time). Forking after the warm-up
    gives both the same starting heap, and wait4 reports each child's peak RSS separately.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        # The engine runs blocking calls on the event loop's default executor, whose threads did not
        # survive the fork: give the child a loop of its own.
        asyncio.set_event_loop(asyncio.new_event_loop())
        code = 0
        try:
            payload = pickle.dumps(("ok", work()))
        except BaseException as error:  # report anything, the parent decides
            payload, code = pickle.dumps(("error", repr(error))), 1
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        status, value = pickle.loads(pipe.read())
    _, _, usage = os.wait4(pid, 0)
    if status != "ok":
        raise SystemExit(f"measurement failed: {value}")
    return value, usage.ru_maxrss / 1024  # KiB on Linux


def _timed(fn) -> tuple[Any, float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def measure(tenants: int) -> Result:
    from preview.engine import run_program

    # Warm-up: imports of the azure-native modules and first-call costs are paid by neither side.
    small = synthetic_raw(3)
    run_floor(floor_spec(small, run_program(small, STACK)))
    raw = synthetic_raw(tenants)

    def program():
        graph, wall, cpu = _timed(lambda: run_program(raw, STACK))
        return (wall, cpu, len(graph.resources), _azure_types(graph), floor_spec(raw, graph))

    def floor(spec):
        graph, wall, cpu = _timed(lambda: run_floor(spec))
        return wall, cpu, _azure_types(graph)

    (wall, cpu, count, types, spec), rss = _in_child(program)
    (floor_wall, floor_cpu, floor_types), floor_rss = _in_child(lambda: floor(spec))
    if floor_types != types:
        raise SystemExit(
            "the floor no longer registers what the program does; update floor_program:\n"
            f"  program: {sorted(types.items())}\n  floor:   {sorted(floor_types.items())}"
        )
    return Result(
        tenants, count, sum(types.values()), Run(wall, cpu, rss), Run(floor_wall, floor_cpu, floor_rss)
    )


# --- all sizes, one process each -----------------------------------------------------------


def run_sizes(sizes: list[int]) -> list[Result]:
    results = []
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--size", str(size), "--json"],
            check=True, capture_output=True, text=True, cwd=ROOT,
        ).stdout
        results.append(Result.from_json(json.loads(out.strip().splitlines()[-1])))
    return results


def report(results: list[Result]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Offline preview at scale: the real program against a bare-loop floor, same mock engine")
    columns = ("tenants", "resources", "azure", "wall s", "cpu s", "floor wall s", "floor cpu s",
               "ratio to floor (wall/cpu)", "resources/s", "peak RSS MiB", "floor peak RSS MiB")
    for column in columns:
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            str(r.tenants), str(r.resources), str(r.azure_resources),
            f"{r.program.wall_s:.2f}", f"{r.program.cpu_s:.2f}", f"{r.floor.wall_s:.2f}", f"{r.floor.cpu_s:.2f}",
            f"{r.ratio_wall:.2f}x / {r.ratio_cpu:.2f}x", f"{r.per_second:.0f}",
            f"{r.program.peak_rss_mib:.0f}", f"{r.floor.peak_rss_mib:.0f}",
        )
    console = Console(width=160)
    console.print(table)

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    by_size = {r.tenants: r for r in results}
    if 100 in by_size:
        r = by_size[100]
        console.print(f"ratio to floor at 100 tenants: {r.ratio_wall:.2f}x wall, {r.ratio_cpu:.2f}x cpu "
                      f"(target <= {TARGET_RATIO}x): {verdict(max(r.ratio_wall, r.ratio_cpu) <= TARGET_RATIO)}")
    if 100 in by_size and 300 in by_size:
        a, b = by_size[100], by_size[300]
        growth, cpu_growth = b.program.wall_s / a.program.wall_s, b.program.cpu_s / a.program.cpu_s
        console.print(f"300/100 time ratio: {growth:.2f} wall, {cpu_growth:.2f} cpu (target <= {TARGET_GROWTH}, "
                      f"linear = 3.0): {verdict(max(growth, cpu_growth) <= TARGET_GROWTH)}; "
                      f"floor: {b.floor.wall_s / a.floor.wall_s:.2f} wall, {b.floor.cpu_s / a.floor.cpu_s:.2f} cpu")
    if 300 in by_size:
        rss = by_size[300].program.peak_rss_mib
        console.print(f"peak RSS at 300 tenants: {rss:.0f} MiB (target <= {TARGET_RSS_MIB}): "
                      f"{verdict(rss <= TARGET_RSS_MIB)}; floor: {by_size[300].floor.peak_rss_mib:.0f} MiB")


# --- end to end: the CLI as CI runs it ----------------------------------------------------------

COMMENT_LIMIT = 65_536
TARGET_E2E_S, TARGET_E2E_RSS_MIB = 60, 1024


@dataclass(frozen=True)
class EndToEnd:
    tenants: int
    exit_code: int
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    resources: int
    review_chars: int
    full_chars: int
    preview_json_mib: float


def end_to_end(tenants: int, scratch: Path) -> EndToEnd:
    import resource
    import shutil

    import yaml

    project = scratch / f"stack-{tenants}"
    shutil.copytree(ROOT / "catalog", project / "catalog", dirs_exist_ok=True)
    config = {f"ml-tenancy:{k}": v for k, v in synthetic_raw(tenants).items()}
    (project / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    out = project / "out"
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "preview.cli", "preview", "-s", STACK, "--project-dir", str(project),
         "--out", str(out), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime + usage.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    # ru_maxrss of the children is the largest child so far: sizes run in increasing order.
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode not in (0, 1):
        raise SystemExit(f"preview of {tenants} tenants failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(done.stdout)
    target = out / STACK
    return EndToEnd(
        tenants, done.returncode, wall, cpu, rss, result["counts"]["resources"],
        len((target / "review.md").read_text()), len((target / "review-full.md").read_text()),
        (target / "preview.json").stat().st_size / 2**20,
    )


def report_end_to_end(results: list[EndToEnd]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ml-tenancy preview end to end (synthetic stacks, one workspace and two members per tenant)")
    for column in ("tenants", "resources", "exit", "wall s", "cpu s", "peak RSS MiB", "review.md chars",
                   "review-full.md chars", "preview.json MiB"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(str(r.tenants), str(r.resources), str(r.exit_code), f"{r.wall_s:.1f}", f"{r.cpu_s:.1f}",
                      f"{r.peak_rss_mib:.0f}",
                      f"{r.review_chars:,}", f"{r.full_chars:,}", f"{r.preview_json_mib:.1f}")
    console = Console(width=160)
    console.print(table)
    for r in results:
        ok = r.wall_s <= TARGET_E2E_S and r.peak_rss_mib <= TARGET_E2E_RSS_MIB and r.review_chars <= COMMENT_LIMIT
        console.print(f"{r.tenants} tenants: {r.wall_s:.1f} s (target <= {TARGET_E2E_S}), {r.peak_rss_mib:.0f} MiB "
                      f"(target <= {TARGET_E2E_RSS_MIB}), review.md {r.review_chars:,} chars (limit "
                      f"{COMMENT_LIMIT:,}): {'met' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, help="measure one size in this process")
    parser.add_argument("--json", action="store_true", help="print the measurement as JSON")
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--end-to-end", action="store_true", help="time the whole CLI, not the program alone")
    args = parser.parse_args()
    if args.end_to_end:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="preview-scale-") as scratch:
            end_to_end(3, Path(scratch))  # warm-up: first imports compile bytecode (where it may be cached)
            report_end_to_end([end_to_end(n, Path(scratch)) for n in sorted(args.sizes or [100, 300, 1000])])
        return
    if args.size is not None:
        result = measure(args.size)
        print(json.dumps(asdict(result)) if args.json else result, flush=True)
        return
    report(run_sizes(args.sizes or [10, 100, 300]))


if __name__ == "__main__":
    main()
