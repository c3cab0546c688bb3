"""Checks that span config blocks: references, uniqueness, Azure rules on derived names.

They run on whatever could be read, so one broken key does not hide problems elsewhere: a block
that failed validation arrives salvaged (``stacks.load.salvage``), with None for each key that is
invalid on its own and None for each list item that is, and every check skips what is None.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from stacks.errors import Problem, did_you_mean, join_path
from stacks.fields import invalid_fields, split_ref
from stacks.model import CatalogFiles, Registry, Sharing, Tenant, Workspace
from stacks.naming import COMPUTE_NAME, ENDPOINT_NAME, REGISTRY_NAME, RESOURCE_GROUP_NAME, WorkspaceNames
from stacks.promotion import Promotion, promotion_problems
from stacks.regions import intended_region, unknown_region

T = TypeVar("T")


def _present(items: Iterable[T | None]) -> Iterator[tuple[int, T]]:
    """Items with their index in the config, skipping the ones that could not be read."""
    return ((i, item) for i, item in enumerate(items) if item is not None)


@dataclass(frozen=True)
class Parsed:
    """The config blocks as far as they could be read; a block that could not be read at all is
    None (or missing from tenants)."""

    environment: str
    project_dir: Path
    entra_tenant_id: str | None
    registry: Registry | None
    tenants: Mapping[int, Tenant]
    catalog: CatalogFiles | None
    sharing: Sharing | None
    raw_tenant_keys: tuple[str | None, ...]
    raw_workspace_refs: frozenset[str]
    # Tenants whose workspaces could not be read (and None if some tenant's key could not be):
    # references into them are not reported as missing, the broken block already is.
    opaque_tenants: frozenset[str | None] = frozenset()
    # False when the environment name itself is reported: names derived from it are not checked.
    environment_valid: bool = True
    promotions: tuple[Promotion | None, ...] = ()


def run_checks(p: Parsed) -> list[Problem]:
    return [
        *_registry(p),
        *_tenant_keys(p),
        *(problem for i, tenant in p.tenants.items() for problem in _tenant(p, i, tenant)),
        *_workspace_names(p),
        *_catalog(p),
        *_sharing(p),
        *promotion_problems(p.promotions, p.entra_tenant_id, p.registry.name if p.registry else None),
    ]


def _registry(p: Parsed) -> Iterator[Problem]:
    if p.registry is None:
        return
    reg = p.registry
    for message in REGISTRY_NAME.problems(reg.name) if reg.name is not None else ():
        yield Problem("registry.name", message)
    for message in RESOURCE_GROUP_NAME.problems(reg.resource_group) if reg.resource_group is not None else ():
        yield Problem("registry.resourceGroup", message)
    if reg.primary_region is not None and (message := unknown_region(reg.primary_region)):
        yield Problem("registry.primaryRegion", message)
    seen: dict[str, int] = {}
    for i, region in _present(reg.additional_regions):
        path = join_path("registry", "additionalRegions", i)
        if message := unknown_region(region):
            yield Problem(path, message)
        elif region == reg.primary_region:
            yield Problem(
                path,
                f"'{region}' is already the primary region; additionalRegions lists only the other "
                "regions the registry replicates to",
            )
        elif region in seen:
            yield Problem(path, f"'{region}' is already listed as additionalRegions[{seen[region]}]")
        seen.setdefault(region, i)


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
            "Azure ML registries cannot cross Entra tenants (a workspace in another Entra tenant cannot "
            "use this registry), so this tenant needs a registry (a stack) of its own; allowed: "
            f"'{p.entra_tenant_id}' or leave entraTenantId out",
        )
    yield from _duplicates(tenant.owner_access, (*at, "ownerAccess"), "ownerAccess")
    members: dict[str, int] = {}
    for m, member in _present(tenant.members):
        if member.object_id is None:
            continue
        if member.object_id in members:
            yield Problem(
                join_path(*at, "members", m, "objectId"),
                f"'{member.object_id}' is already listed as members[{members[member.object_id]}]; "
                "give one entry with all its roles",
            )
        members.setdefault(member.object_id, m)
        yield from _duplicates(member.roles, (*at, "members", m, "roles"), "roles")
    keys: dict[str, int] = {}
    regions = _registry_regions(p)
    for w, ws in _present(tenant.workspaces):
        wat = (*at, "workspaces", w)
        if ws.key is not None and ws.key in keys:
            yield Problem(
                join_path(*wat, "key"),
                f"workspace key '{ws.key}' is already used by workspaces[{keys[ws.key]}] of tenant '{tenant.key}'",
            )
        if ws.key is not None:
            keys.setdefault(ws.key, w)
        if ws.region is None:
            pass
        elif message := unknown_region(ws.region):
            yield Problem(join_path(*wat, "region"), message)
        elif regions and ws.region not in regions:
            yield Problem(
                join_path(*wat, "region"),
                f"'{ws.region}' is not one of the registry's regions {', '.join(regions)}; "
                "add it to registry.additionalRegions or place the workspace in one of them",
            )
        yield from _derived_names(p, tenant, ws, wat)
        if ws.compute is not None and ws.compute.name is not None:
            for message in COMPUTE_NAME.problems(ws.compute.name):
                yield Problem(join_path(*wat, "compute", "name"), message)
        jobs: dict[str, int] = {}
        for j, job in _present(ws.retraining):
            if job.name is None:
                continue
            if job.name in jobs:
                yield Problem(
                    join_path(*wat, "retraining", j, "name"),
                    f"job name '{job.name}' is already used by retraining[{jobs[job.name]}]",
                )
            jobs.setdefault(job.name, j)


def _registry_regions(p: Parsed) -> tuple[str, ...]:
    """The regions the registry means to be in, or () when that is unclear from the config.

    A misspelt region counts as the region it is close to: its problem is reported at the
    registry, and its workspaces are not reported again for it.
    """
    if p.registry is None:
        return ()
    invalid = invalid_fields(p.registry)
    if invalid & {"primary_region", "additional_regions"} or invalid - set(Registry.model_fields):
        return ()  # a region list (or a misspelt key that may hold one) could not be read
    written = (p.registry.primary_region, *p.registry.additional_regions)
    meant = [intended_region(r) if r is not None else None for r in written]
    return () if None in meant else tuple(dict.fromkeys(meant))


def _names(p: Parsed, tenant: Tenant, ws: Workspace) -> WorkspaceNames | None:
    if None in (tenant.key, ws.key, ws.subscription_id):
        return None
    return WorkspaceNames.derive(
        environment=p.environment, tenant=tenant.key, workspace=ws.key,
        subscription_id=ws.subscription_id, resource_group=ws.resource_group, name=ws.name,
    )


def _derived_names(p: Parsed, tenant: Tenant, ws: Workspace, wat: tuple[str | int, ...]) -> Iterator[Problem]:
    names = _names(p, tenant, ws)
    if names is None:
        return
    for field, messages in names.problems().items():
        derived = field in _FIELD_NAMES and getattr(ws, _FIELD_NAMES[field]) is None
        if derived and (not p.environment_valid or _FIELD_NAMES[field] in invalid_fields(ws)):
            # Derived from an environment that is reported already, or written but invalid itself.
            continue
        for message in messages:
            if derived:
                message += (
                    f" (derived from the tenant key, workspace key and environment '{p.environment}'; "
                    f"set {field} to choose one, or shorten the keys)"
                )
            yield Problem(join_path(*wat, field), message)


_FIELD_NAMES = {"name": "name", "resourceGroup": "resource_group"}


def _duplicates(values: tuple[str | None, ...], at: tuple[str | int, ...], what: str) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for i, value in _present(values):
        if value in first:
            yield Problem(join_path(*at, i), f"'{value}' is already listed as {what}[{first[value]}]")
        first.setdefault(value, i)


def _workspace_names(p: Parsed) -> Iterator[Problem]:
    """Two workspaces may not end up with the same name in the same resource group."""
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    for i, tenant in p.tenants.items():
        for w, ws in _present(tenant.workspaces):
            names = _names(p, tenant, ws)
            if names is None:
                continue
            key = (ws.subscription_id, names.resource_group.lower(), names.workspace.lower())
            path = join_path("tenants", i, "workspaces", w, "name")
            ref = f"{tenant.key}/{ws.key}"
            if key in seen and seen[key][1] != ref:  # a repeated key is reported as such already
                yield Problem(
                    path,
                    f"workspace name '{names.workspace}' in resource group '{names.resource_group}' "
                    f"is already used by {seen[key][0]}; set name (or resourceGroup) to tell them apart",
                )
            seen.setdefault(key, (path.removesuffix(".name"), ref))


CATALOG_SUFFIXES = (".yml", ".yaml")


def _catalog(p: Parsed) -> Iterator[Problem]:
    if p.catalog is None:
        return
    root = p.project_dir.resolve()
    for kind in ("environments", "components"):
        files: tuple[str | None, ...] = getattr(p.catalog, kind)
        yield from _duplicates(files, ("catalog", kind), kind)
        for i, rel in _present(files):
            yield from (Problem(join_path("catalog", kind, i), m) for m in _catalog_file(root, kind, rel))


def _catalog_file(root: Path, kind: str, rel: str) -> Iterator[str]:
    example = f"catalog/{kind}/<name>.yml"
    if not rel.strip():
        yield f"is empty; allowed: a path relative to the project directory, such as {example}"
        return
    if Path(rel).is_absolute() or Path(rel).drive:
        yield f"'{rel}' is an absolute path; allowed: a path relative to the project directory, such as {example}"
        return
    target = (root / rel).resolve()
    if not target.is_relative_to(root):
        yield f"'{rel}' points outside the project directory; allowed: a path inside it, such as {example}"
    elif target.is_dir():
        yield f"'{rel}' is a directory; name the YAML file in it, such as {example}"
    elif not rel.endswith(CATALOG_SUFFIXES):
        yield f"'{rel}' is not a YAML file; allowed: azure-ai-ml YAML files (.yml or .yaml), such as {example}"
    elif not target.is_file():
        folder = target.parent
        present = sorted(
            str(f.relative_to(root)) for f in folder.glob("*") if f.suffix in CATALOG_SUFFIXES
        ) if folder.is_dir() else []
        hint = difflib.get_close_matches(rel, present, n=1, cutoff=0.6)
        yield f"file '{rel}' does not exist in the project" + (
            f" (did you mean '{hint[0]}'?)" if hint else ""
        )


def _sharing(p: Parsed) -> Iterator[Problem]:
    if p.sharing is None:
        return
    known = p.raw_workspace_refs
    known_tenants = {split_ref(r)[0] for r in known} | {k for k in p.raw_tenant_keys if k}

    def unreadable(ref: str) -> bool:
        tenant, _ = split_ref(ref)
        return tenant in p.opaque_tenants or (None in p.opaque_tenants and tenant not in known_tenants)

    def ref_problem(path: str, ref: str) -> Iterator[Problem]:
        if ref not in known and not unreadable(ref):
            tenant, _ = split_ref(ref)
            in_tenant = sorted(r for r in known if r.startswith(f"{tenant}/"))
            allowed = ", ".join(in_tenant or sorted(known)) or "none defined"
            yield Problem(
                path, f"workspace '{ref}' does not exist{did_you_mean(ref, known)}; defined workspaces: {allowed}"
            )

    shared: dict[tuple[str, str, str], str] = {}
    for i, share in _present(p.sharing.share):
        at = join_path("sharing", "share", i)
        if share.from_ is not None:
            yield from ref_problem(join_path(at, "from"), share.from_)
        named = [(kind, getattr(share, kind)) for kind in share._kinds if getattr(share, kind) is not None]
        if len(named) != 1 or share.version is None:
            continue
        (kind, name), version = named[0], share.version
        if (kind, name, version) in shared:
            yield Problem(
                join_path(at, "version"),
                f"{kind} '{name}' version '{version}' is already shared by {shared[(kind, name, version)]}; "
                "registry versions are immutable, so give each share its own version",
            )
        shared.setdefault((kind, name, version), at)
    for i, pull in _present(p.sharing.pull):
        yield from _duplicates(pull.into, ("sharing", "pull", i, "into"), "into")
        for t, ref in _present(pull.into):
            yield from ref_problem(join_path("sharing", "pull", i, "into", t), ref)

    regions = _workspace_regions(p)
    endpoint_owner: dict[tuple[str, str], str] = {}
    endpoint_by_region: dict[tuple[str, str], str] = {}
    compute_names = _compute_names(p)
    for i, push in _present(p.sharing.push):
        at = ("sharing", "push", i)
        endpoint = push.endpoint
        if endpoint is not None and endpoint.name is not None:
            for message in ENDPOINT_NAME.problems(endpoint.name):
                yield Problem(join_path(*at, "endpoint", "name"), message)
        yield from _duplicates(push.to, (*at, "to"), "to")
        for t, ref in _present(push.to):
            path = join_path(*at, "to", t)
            if ref not in known:
                yield from ref_problem(path, ref)
                continue
            if endpoint is None or endpoint.name is None:
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


def _workspaces(p: Parsed) -> Iterator[tuple[str, Workspace]]:
    for tenant in p.tenants.values():
        for _, ws in _present(tenant.workspaces):
            if tenant.key is not None and ws.key is not None:
                yield f"{tenant.key}/{ws.key}", ws


def _workspace_regions(p: Parsed) -> dict[str, str]:
    return {ref: ws.region for ref, ws in _workspaces(p) if ws.region is not None}


def _compute_names(p: Parsed) -> dict[str, str]:
    return {
        ref: ws.compute.name
        for ref, ws in _workspaces(p)
        if ws.compute is not None and ws.compute.name is not None
    }

