"""Checks that span config blocks: references, uniqueness, Azure rules on derived names.

They run on whatever parsed, so one broken tenant does not hide problems elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from stacks.errors import Problem, join_path
from stacks.fields import split_ref
from stacks.model import Catalog, Registry, Sharing, Tenant
from stacks.naming import COMPUTE_NAME, ENDPOINT_NAME, REGISTRY_NAME, RESOURCE_GROUP_NAME, WorkspaceNames
from stacks.regions import AZURE_ML_REGIONS


@dataclass(frozen=True)
class Parsed:
    """The config blocks that parsed; a block that did not is None (or missing from tenants)."""

    environment: str
    project_dir: Path
    entra_tenant_id: str | None
    registry: Registry | None
    tenants: Mapping[int, Tenant]
    catalog: Catalog | None
    sharing: Sharing | None
    raw_tenant_keys: tuple[str | None, ...]
    raw_workspace_refs: frozenset[str]


def run_checks(p: Parsed) -> list[Problem]:
    return [
        *_registry(p),
        *_tenant_keys(p),
        *(problem for i, tenant in p.tenants.items() for problem in _tenant(p, i, tenant)),
        *_workspace_names(p),
        *_catalog(p),
        *_sharing(p),
    ]


def _registry(p: Parsed) -> Iterator[Problem]:
    if p.registry is None:
        return
    reg = p.registry
    for message in REGISTRY_NAME.problems(reg.name):
        yield Problem("registry.name", message)
    for message in RESOURCE_GROUP_NAME.problems(reg.resource_group):
        yield Problem("registry.resourceGroup", message)
    if reg.primary_region not in AZURE_ML_REGIONS:
        yield Problem("registry.primaryRegion", _unknown_region(reg.primary_region))
    seen = {reg.primary_region}
    for i, region in enumerate(reg.additional_regions):
        path = join_path("registry", "additionalRegions", i)
        if region not in AZURE_ML_REGIONS:
            yield Problem(path, _unknown_region(region))
        elif region in seen:
            yield Problem(path, f"region '{region}' is listed twice (the primary region is already included)")
        seen.add(region)


def _unknown_region(region: str) -> str:
    return f"'{region}' is not an Azure region that hosts Azure Machine Learning (ARM names such as westeurope, eastus2)"


def _tenant_keys(p: Parsed) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for i, key in enumerate(p.raw_tenant_keys):
        if key is None:
            continue
        if key in first:
            yield Problem(
                join_path("tenants", i, "key"),
                f"tenant key '{key}' is already used by tenants[{first[key]}]; tenant keys must be unique",
            )
        else:
            first[key] = i


def _tenant(p: Parsed, i: int, tenant: Tenant) -> Iterator[Problem]:
    at = ("tenants", i)
    if p.entra_tenant_id and tenant.entra_tenant_id and tenant.entra_tenant_id != p.entra_tenant_id:
        yield Problem(
            join_path(*at, "entraTenantId"),
            f"'{tenant.entra_tenant_id}' differs from the registry's Entra tenant '{p.entra_tenant_id}'; "
            "an Azure ML registry serves only workspaces of its own Entra tenant, so this tenant needs "
            "a registry (a stack) of its own",
        )
    if len(set(tenant.owner_access)) != len(tenant.owner_access):
        yield Problem(join_path(*at, "ownerAccess"), "lists a value twice; allowed: subscription, workspace")
    members: dict[str, int] = {}
    for m, member in enumerate(tenant.members):
        if member.object_id in members:
            yield Problem(
                join_path(*at, "members", m, "objectId"),
                f"'{member.object_id}' is already listed as members[{members[member.object_id]}]; "
                "give one entry with all its roles",
            )
        members.setdefault(member.object_id, m)
    keys: dict[str, int] = {}
    regions = p.registry.regions if p.registry else ()
    for w, ws in enumerate(tenant.workspaces):
        wat = (*at, "workspaces", w)
        if ws.key in keys:
            yield Problem(
                join_path(*wat, "key"),
                f"workspace key '{ws.key}' is already used by workspaces[{keys[ws.key]}] of tenant '{tenant.key}'",
            )
        keys.setdefault(ws.key, w)
        if regions and ws.region not in regions:
            yield Problem(
                join_path(*wat, "region"),
                f"'{ws.region}' is not one of the registry's regions {', '.join(regions)}; "
                "add it to registry.additionalRegions or place the workspace in one of them",
            )
        names = WorkspaceNames.derive(
            environment=p.environment, tenant=tenant.key, workspace=ws.key,
            subscription_id=ws.subscription_id, resource_group=ws.resource_group, name=ws.name,
        )
        for field, messages in names.problems().items():
            for message in messages:
                derived = field != "key" and getattr(ws, "name" if field == "name" else "resource_group") is None
                suffix = f" (derived from the keys; set {field} to choose one)" if derived else ""
                yield Problem(join_path(*wat, field), message + suffix)
        for message in COMPUTE_NAME.problems(ws.compute.name):
            yield Problem(join_path(*wat, "compute", "name"), message)
        jobs: dict[str, int] = {}
        for j, job in enumerate(ws.retraining):
            if job.name in jobs:
                yield Problem(
                    join_path(*wat, "retraining", j, "name"),
                    f"job name '{job.name}' is already used by retraining[{jobs[job.name]}]",
                )
            jobs.setdefault(job.name, j)


def _workspace_names(p: Parsed) -> Iterator[Problem]:
    """Two workspaces may not end up with the same name in the same resource group."""
    seen: dict[tuple[str, str, str], str] = {}
    for i, tenant in p.tenants.items():
        for w, ws in enumerate(tenant.workspaces):
            names = WorkspaceNames.derive(
                environment=p.environment, tenant=tenant.key, workspace=ws.key,
                subscription_id=ws.subscription_id, resource_group=ws.resource_group, name=ws.name,
            )
            key = (ws.subscription_id, names.resource_group.lower(), names.workspace.lower())
            path = join_path("tenants", i, "workspaces", w, "name")
            if key in seen:
                yield Problem(
                    path,
                    f"workspace name '{names.workspace}' in resource group '{names.resource_group}' "
                    f"is already used by {seen[key]}",
                )
            seen.setdefault(key, path.removesuffix(".name"))


def _catalog(p: Parsed) -> Iterator[Problem]:
    if p.catalog is None:
        return
    for kind in ("environments", "components"):
        for i, rel in enumerate(getattr(p.catalog, kind)):
            if not (p.project_dir / rel).is_file():
                yield Problem(join_path("catalog", kind, i), f"file '{rel}' does not exist in the project")


def _sharing(p: Parsed) -> Iterator[Problem]:
    if p.sharing is None:
        return
    known = p.raw_workspace_refs

    def ref_problem(path: str, ref: str) -> Iterator[Problem]:
        if ref not in known:
            tenant, _ = split_ref(ref)
            in_tenant = sorted(r for r in known if r.startswith(f"{tenant}/"))
            allowed = ", ".join(in_tenant or sorted(known)) or "none defined"
            yield Problem(path, f"workspace '{ref}' does not exist; defined workspaces: {allowed}")

    for i, share in enumerate(p.sharing.share):
        yield from ref_problem(join_path("sharing", "share", i, "from"), share.from_)
    for i, pull in enumerate(p.sharing.pull):
        for t, ref in enumerate(pull.into):
            yield from ref_problem(join_path("sharing", "pull", i, "into", t), ref)

    regions = _workspace_regions(p)
    endpoint_owner: dict[tuple[str, str], str] = {}
    endpoint_by_region: dict[tuple[str, str], str] = {}
    compute_names = _compute_names(p)
    for i, push in enumerate(p.sharing.push):
        at = ("sharing", "push", i)
        for message in ENDPOINT_NAME.problems(push.endpoint.name):
            yield Problem(join_path(*at, "endpoint", "name"), message)
        for t, ref in enumerate(push.to):
            path = join_path(*at, "to", t)
            if ref not in known:
                yield from ref_problem(path, ref)
                continue
            owner = endpoint_owner.setdefault((ref, push.endpoint.name), join_path(*at))
            if owner != join_path(*at):
                yield Problem(
                    path,
                    f"endpoint '{push.endpoint.name}' in '{ref}' is already declared by {owner}; "
                    "to roll out a new model version, change the version of that entry",
                )
            region = regions.get(ref)
            if region:
                other = endpoint_by_region.setdefault((region, push.endpoint.name), ref)
                if other != ref:
                    yield Problem(
                        path,
                        f"endpoint '{push.endpoint.name}' is also pushed to '{other}' in {region}; "
                        "endpoint names are unique per Azure region",
                    )
            if push.endpoint.kind == "batch" and ref in compute_names:
                wanted = push.endpoint.compute or compute_names[ref]
                if wanted != compute_names[ref]:
                    yield Problem(
                        join_path(*at, "endpoint", "compute"),
                        f"compute '{wanted}' does not exist in '{ref}'; its cluster is '{compute_names[ref]}'",
                    )


def _workspace_regions(p: Parsed) -> dict[str, str]:
    return {f"{t.key}/{w.key}": w.region for t in p.tenants.values() for w in t.workspaces}


def _compute_names(p: Parsed) -> dict[str, str]:
    return {f"{t.key}/{w.key}": w.compute.name for t in p.tenants.values() for w in t.workspaces}

