"""Request routing and resource semantics of the fake Azure ML service.

Answers like Azure does where the caller can tell the difference: 404 until created, registry
versions immutable (an identical re-create is accepted, different content is a 409), endpoints
and deployments with their cross-checks (traffic only to existing deployments, no deleting a
deployment that still takes traffic), ``import`` (the share call) copying a workspace asset into
the registry, and long-running operations shaped like ARM's (see ``Lro``).

Long-running operations: a PUT of an endpoint, deployment, batch endpoint, schedule or registry
version answers 201 (200 when it existed) with ``provisioningState: Creating`` (``Updating``) and
an ``Azure-AsyncOperation`` header (or ``Location``, per ``Lro.header``) plus ``Retry-After``; the
status URL answers ``InProgress`` ``Lro.polls`` times, then ``Succeeded``, or ``Failed`` with an
error body when a ``ProvisioningFailure`` matches; the resource reads ``Creating`` / ``Failed`` in
between. DELETE answers 202 with ``Location``, which answers 202 while in progress, then 204.
``import`` answers 202 with ``Location``; its final answer is an empty 200 or the asset's body
(``import_result``), since no public spec says which. A registry version PUT with other content
answers 409, 400, or 200 keeping the old version (``version_conflict``): all three have been seen.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.fakeml.blobs import BlobService
from tests.fakeml.records import MFE_PREFIX
from tests.fakeml.responses import error_body
from tests.fakeml.state import ARM_PROVIDER, VERSIONED_KINDS, FakeRegistry, FakeWorkspace, system_data

_SCOPE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/"
    r"Microsoft\.MachineLearningServices/(?P<scope>registries|workspaces)/(?P<name>[^/]+)(?P<rest>(/[^/]+)*)$",
    re.IGNORECASE,
)
_DISCOVERY = re.compile(r"^/registrymanagement/v1\.0/registries/(?P<name>[^/]+)/discovery$", re.IGNORECASE)
_SOURCE_ASSET = re.compile(
    r"^azureml://locations/(?P<loc>[^/]+)/workspaces/(?P<guid>[^/]+)/(?P<kind>[^/]+)/(?P<name>[^/]+)"
    r"/versions/(?P<version>[^/]+)$"
)
_REGISTRY_ASSET = re.compile(r"^azureml://registries/(?P<reg>[^/]+)/(?P<kind>[^/]+)/(?P<name>[^/]+)/versions/(?P<v>[^/]+)$")
# Fields the service sets itself; they never make two versions "different content".
_SERVER_FIELDS = ("provisioningState", "flavors", "stage", "autoDeleteSetting")


_OPERATION = re.compile(
    r"^/subscriptions/[^/]+/providers/Microsoft\.MachineLearningServices/locations/[^/]+/"
    r"(?P<type>mfeOperationsStatus|mfeOperationResults)/(?P<id>[^/]+)$", re.IGNORECASE,
)
# Workspace children whose PUT and DELETE are long-running on Azure.
_LONG_RUNNING = ("onlineendpoints", "batchendpoints", "schedules")
ARM_HOST = "https://management.azure.com"


@dataclass
class Lro:
    """How long-running operations answer: ``polls`` InProgress answers before the terminal one."""

    polls: int = 1
    retry_after: int = 1  # whole seconds: azure-ai-ml deserializes the header as an int
    header: str = "Azure-AsyncOperation"  # or "Location"
    # Longer provisioning for some resources (path fragment -> polls), e.g. {"/deployments/": 8}:
    # online deployments take minutes on Azure, most other resources seconds.
    polls_by_path: dict[str, int] = field(default_factory=dict)

    def polls_for(self, path: str) -> int:
        return next((n for fragment, n in self.polls_by_path.items() if fragment.lower() in path.lower()), self.polls)


@dataclass
class ProvisioningFailure:
    """A resource whose provisioning ends ``Failed`` (path fragment, case-insensitive)."""

    path_contains: str
    code: str = "DeploymentFailed"
    message: str = "Container crashed: the scoring script raised during init()"
    times: int | None = 1


@dataclass
class PendingOperation:
    polls_left: int
    kind: str  # "async" (Azure-AsyncOperation) or "location"
    finish: Any  # () -> Reply: applies the final state, answers the terminal poll


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def _not_found(what: str) -> Reply:
    return Reply(404, error_body("ResourceNotFound", f"{what} was not found"))


def _bad_request(code: str, message: str) -> Reply:
    return Reply(400, error_body(code, message))


def _content(properties: dict[str, Any]) -> str:
    kept = {k: v for k, v in properties.items() if k not in _SERVER_FIELDS}
    return json.dumps(kept, sort_keys=True)


def _in_view(version: dict[str, Any], query: dict[str, str]) -> bool:
    """Whether a stored version is in the list view asked for (``listViewType``, ActiveOnly by default)."""
    archived = bool(version.get("properties", {}).get("isArchived"))
    view = query.get("listViewType", "ActiveOnly").lower()
    return view == "all" or archived == (view == "archivedonly")


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """JSON merge patch (RFC 7396), what ARM applies on PATCH."""
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class Service:
    """All state, behind one lock; ``handle`` is called by the transport for every request."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.registries: dict[str, FakeRegistry] = {}
        self.workspaces: dict[tuple[str, str, str], FakeWorkspace] = {}
        self.blobs = BlobService()
        self.lro = Lro()
        self.operations: dict[str, PendingOperation] = {}
        self.failures: list[ProvisioningFailure] = []
        self.import_result = "empty"  # or "asset"
        self.version_conflict = "409"  # or "400", "200-keeps-old"

    # --- lookups -------------------------------------------------------------------------------
    def registry(self, name: str) -> FakeRegistry | None:
        return self.registries.get(name.lower())

    def workspace(self, subscription_id: str, resource_group: str, name: str) -> FakeWorkspace | None:
        return self.workspaces.get((subscription_id.lower(), resource_group.lower(), name.lower()))

    def _workspace_by_guid(self, guid: str) -> FakeWorkspace | None:
        return next((w for w in self.workspaces.values() if w.workspace_guid == guid), None)

    # --- entry point ---------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict[str, str], body: Any) -> Reply:
        try:
            return self._route(method, path, query, body)
        except Exception as error:  # a bug in the fake should read as a server error, not a hang
            return Reply(500, error_body("InternalServerError", f"fake service failed: {error!r}"))

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Reply:
        path = path.split(MFE_PREFIX, 1)[-1].rstrip("/")
        with self.lock:
            if match := _DISCOVERY.match(path):
                return self._discovery(match["name"])
            if (match := _OPERATION.match(path)) and method == "GET":
                return self._poll(match["id"])
            match = _SCOPE.match(path)
            if not match:
                return _not_found(f"route {path}")
            rest = tuple(part for part in (match["rest"] or "").split("/") if part)
            if match["scope"].lower() == "registries":
                registry = self.registry(match["name"])
                if registry is None or registry.subscription_id.lower() != match["sub"].lower():
                    return _not_found(f"registry {match['name']}")
                return self._registry_request(registry, method, rest, query, body)
            workspace = self.workspace(match["sub"], match["rg"], match["name"])
            if workspace is None:
                return _not_found(f"workspace {match['name']}")
            return self._workspace_request(workspace, method, rest, query, body)

    def _discovery(self, name: str) -> Reply:
        registry = self.registry(name)
        if registry is None:
            return _not_found(f"registry {name}")
        return Reply(200, {
            "registryName": registry.name,
            "tenantId": "00000000-0000-0000-0000-000000000001",
            "primaryRegion": registry.region,
            "regions": [registry.region],
            "subscriptionId": registry.subscription_id,
            "resourceGroup": registry.resource_group,
            "primaryRegionResourceProviderUri": f"https://cert-{registry.region}.experiments.azureml.net/",
        })

    # --- long-running operations -----------------------------------------------------------------
    def _failure_for(self, path: str) -> ProvisioningFailure | None:
        for failure in self.failures:
            if failure.path_contains.lower() in path.lower() and (failure.times is None or failure.times > 0):
                if failure.times is not None:
                    failure.times -= 1
                return failure
        return None

    def _start(self, kind: str, finish: Any, host: str, path: str = "") -> dict[str, str]:
        """Register an operation; the headers that point the caller at its status URL."""
        op_id = str(uuid.uuid4())
        self.operations[op_id] = PendingOperation(self.lro.polls_for(path), kind, finish)
        segment = "mfeOperationsStatus" if kind == "async" else "mfeOperationResults"
        url = (f"{host}/subscriptions/00000000-0000-0000-0000-0000000000aa/providers/{ARM_PROVIDER}"
               f"/locations/westeurope/{segment}/{op_id}?api-version=2024-10-01")
        header = "Azure-AsyncOperation" if kind == "async" else "Location"
        return {header: url, "Retry-After": str(self.lro.retry_after)}

    def _poll(self, op_id: str) -> Reply:
        pending = self.operations.get(op_id)
        if pending is None:
            return _not_found(f"operation {op_id}")
        if pending.polls_left > 0:
            pending.polls_left -= 1
            headers = {"Retry-After": str(self.lro.retry_after)}
            if pending.kind == "async":
                return Reply(200, {"status": "InProgress"}, headers)
            return Reply(202, None, headers)
        del self.operations[op_id]
        return pending.finish()

    def _long_running_put(self, resource: dict, store: Any, existing: bool, path: str, host: str) -> Reply:
        """Answer a PUT as ARM does: 201/200 with the resource provisioning, and a status URL."""
        failure = self._failure_for(path)
        state = resource.setdefault("properties", {})
        state["provisioningState"] = "Updating" if existing else "Creating"
        store(resource)

        kind = "location" if self.lro.header == "Location" else "async"

        def finish() -> Reply:
            if failure is not None:
                state["provisioningState"] = "Failed"
                store(resource)
                error = error_body(failure.code, failure.message)
                return Reply(400, error) if kind == "location" else Reply(200, {"status": "Failed", **error})
            state["provisioningState"] = "Succeeded"
            store(resource)
            return Reply(200, copy.deepcopy(resource)) if kind == "location" else Reply(200, {"status": "Succeeded"})

        headers = self._start(kind, finish, host, path)
        return Reply(200 if existing else 201, copy.deepcopy(resource), headers)

    # --- registries ----------------------------------------------------------------------------
    def _registry_request(
        self, reg: FakeRegistry, method: str, rest: tuple[str, ...], query: dict[str, str], body: Any
    ) -> Reply:
        if rest == ("import",) and method == "POST":
            return self._import(reg, body)
        if len(rest) == 4 and rest[0].lower() == "tempdatarefs" and method == "PUT":
            return self._temporary_reference(reg, rest[1], rest[3])
        if len(rest) == 4 and rest[0].lower() == "datarefs" and method == "POST":
            return self._data_reference(reg, body or {})
        if len(rest) == 4 and rest[0].lower() == "codes" and method == "PUT":
            problem = self._check_code_upload(reg, rest[1], rest[3], body)
            if problem:
                return problem
        if rest and rest[0].lower() in VERSIONED_KINDS:
            return self._versioned(reg, reg.assets, reg.asset_id, method, rest, query, body, immutable=True)
        return _not_found("/".join(rest))

    def _check_code_upload(self, reg: FakeRegistry, name: str, version: str, body: Any) -> Reply | None:
        """A registry code version must point inside the container its ``tempdatarefs`` SAS was issued
        for, at blobs that were uploaded there."""
        uri = str(((body or {}).get("properties") or {}).get("codeUri") or "")
        issued = reg.uploads.get((name.lower(), version))
        if issued is None:
            return _bad_request("UserError", f"code {name}:{version}: no temporary data reference was issued")
        if not (uri == issued or uri.startswith(issued + "/")) or not self.blobs.exists_under(uri):
            return _bad_request("UserError", f"code {name}:{version}: codeUri {uri!r} is not an upload under {issued}")
        return None

    def _data_reference(self, reg: FakeRegistry, body: dict[str, Any]) -> Reply:
        """How to read a version's blobs: a SAS URL of its container in this registry's storage (the
        SDK's registry download opens it with ``ContainerClient.from_container_url``, which takes the
        URL's last path segment as the container), else ``NoCredentials`` (read as oneself)."""
        uri = str(body.get("blobUri") or "")
        asset = _REGISTRY_ASSET.match(str(body.get("assetId") or ""))
        if asset is None or reg.asset(asset["kind"], asset["name"], asset["v"]) is None:
            return _not_found(f"asset {body.get('assetId')}")
        match = re.match(r"^https://(?P<acct>[^./]+)\.blob\.core\.windows\.net/(?P<c>[^/?]+)", uri)
        if match and match["acct"] == reg.storage_account:
            sas = self.blobs.issue(reg.storage_account, match["c"])
            return Reply(200, {"blobReferenceForConsumption": {
                "blobUri": uri, "storageAccountArmId": reg.storage_account_id,
                "credential": {"credentialType": "SAS", "sasUri": f"{match[0]}?{sas}"}}})
        return Reply(200, {"blobReferenceForConsumption": {
            "blobUri": uri, "credential": {"credentialType": "NoCredentials"}}})

    def _temporary_reference(self, reg: FakeRegistry, name: str, version: str) -> Reply:
        kinds = [kind for kind in VERSIONED_KINDS if (kind, name.lower(), version) in reg.assets]
        if kinds:
            return Reply(409, error_body("Conflict", f"Asset {name}:{version} already exists"))
        # A container of the registry's storage account of its own, signed for this upload only.
        container = f"{uuid.uuid4()}-{name.lower()}-{version}"[:63]
        sas = self.blobs.issue(reg.storage_account, container)
        blob = f"https://{reg.storage_account}.blob.core.windows.net/{container}"
        reg.uploads[(name.lower(), version)] = blob
        return Reply(200, {"blobReferenceForConsumption": {
            "blobUri": blob, "storageAccountArmId": reg.storage_account_id,
            "credential": {"credentialType": "SAS", "sasUri": f"{blob}?{sas}"}}})

    def _import(self, reg: FakeRegistry, body: Any) -> Reply:
        props = (body or {}).get("properties", {})
        source = _SOURCE_ASSET.match(props.get("sourceAssetId", ""))
        if not source:
            return _bad_request("InvalidSourceAsset", f"sourceAssetId {props.get('sourceAssetId')!r} is not valid")
        workspace = self._workspace_by_guid(source["guid"])
        kind = {"model": "models", "data": "data", "environment": "environments"}.get(source["kind"], source["kind"])
        asset = workspace.asset(kind, source["name"], source["version"]) if workspace else None
        if asset is None:
            return _not_found(f"source asset {props.get('sourceAssetId')}")
        name, version = props.get("destinationName", source["name"]), props.get("destinationVersion", source["version"])
        key = (kind, name.lower(), str(version))
        if key in reg.assets:
            return Reply(409, error_body("Conflict", f"{kind} {name}:{version} already exists in registry {reg.name}"))
        copied = dict(asset["properties"])
        if kind == "models":
            copied["modelUri"] = f"azureml://registries/{reg.name}/models/{name}/versions/{version}"
        if kind == "data":
            copied["dataUri"] = f"azureml://registries/{reg.name}/data/{name}/versions/{version}"
        copied.setdefault("properties", {})["sourceAssetId"] = props["sourceAssetId"]
        resource = self.version_resource(reg.asset_id(kind, name, version), kind, version, copied)
        resource["properties"]["provisioningState"] = "Creating"
        reg.assets[key] = resource

        def finish() -> Reply:
            reg.assets[key]["properties"]["provisioningState"] = "Succeeded"
            if self.import_result == "asset":
                return Reply(200, copy.deepcopy(reg.assets[key]))
            return Reply(200)

        return Reply(202, None, self._start("location", finish, reg.mfe_host))

    def _immutable_conflict(self, kind: str, name: str, version: str, existing: dict) -> Reply:
        """A registry version PUT with other content; the service has answered each of these."""
        message = (f"{kind} {name} version {version} already exists with different content; "
                   "registry asset versions are immutable")
        if self.version_conflict == "400":
            return _bad_request("UserError", message)
        if self.version_conflict == "200-keeps-old":
            return Reply(200, copy.deepcopy(existing))
        return Reply(409, error_body("Conflict", message))

    # --- versioned assets (registries and workspaces) ------------------------------------------
    def version_resource(self, asset_id: str, kind: str, version: str, properties: dict[str, Any]) -> dict:
        props = {**properties, "provisioningState": "Succeeded"}
        if kind == "models":
            props.setdefault("flavors", {})
        return {"id": asset_id, "name": str(version), "type": f"{ARM_PROVIDER}/{kind}/versions",
                "properties": props, "systemData": system_data()}

    def _versioned(
        self, scope: Any, assets: dict, asset_id: Any, method: str, rest: tuple[str, ...],
        query: dict[str, str], body: Any, *, immutable: bool,
    ) -> Reply:
        kind = rest[0].lower()
        if len(rest) == 4 and rest[2].lower() == "versions":
            key = (kind, rest[1].lower(), rest[3])
            if method == "GET":
                found = assets.get(key)
                return Reply(200, copy.deepcopy(found)) if found else _not_found(f"{kind} {rest[1]}:{rest[3]}")
            if method == "PUT":
                props = (body or {}).get("properties", {})
                existing = assets.get(key)
                if existing is not None:
                    if _content(existing["properties"]) == _content(props):
                        return Reply(200, copy.deepcopy(existing))
                    if immutable:
                        return self._immutable_conflict(kind, rest[1], rest[3], existing)
                    path_field = {"models": "modelUri", "data": "dataUri"}.get(kind)
                    if path_field and existing["properties"].get(path_field) != props.get(path_field):
                        return _bad_request("UserError", "The path of an existing asset version cannot change")
                resource = self.version_resource(asset_id(kind, rest[1], rest[3]), kind, rest[3], props)
                if immutable:  # a registry version: created through a long-running operation
                    def store(body: dict, key: tuple[str, str, str] = key) -> None:
                        assets[key] = copy.deepcopy(body)
                    return self._long_running_put(resource, store, False, "/" + "/".join(rest), scope.mfe_host)
                assets[key] = resource
                return Reply(200 if existing else 201, copy.deepcopy(assets[key]))
            if method == "DELETE":
                return Reply(200) if assets.pop(key, None) is not None else Reply(204)
        if len(rest) == 1 and method == "GET":
            # The containers of a kind: every name with a version in the view asked for (ActiveOnly
            # by default, as the REST API does).
            names: dict[str, list[dict]] = {}
            for (k, n, _), v in assets.items():
                if k == kind and _in_view(v, query):
                    names.setdefault(n, []).append(v)
            containers = []
            for versions in names.values():
                latest = max(versions, key=lambda v: v["systemData"]["createdAt"])
                containers.append({"id": latest["id"].rsplit("/versions/", 1)[0],
                                   "name": latest["id"].rsplit("/versions/", 1)[0].rsplit("/", 1)[-1],
                                   "properties": {"latestVersion": latest["name"], "isArchived": False},
                                   "systemData": latest["systemData"]})
            return Reply(200, {"value": copy.deepcopy(containers)})
        if len(rest) == 3 and rest[2].lower() == "versions" and method == "GET":
            versions = [v for (k, n, _), v in assets.items()
                        if k == kind and n == rest[1].lower() and _in_view(v, query)]
            versions.sort(key=lambda v: v["systemData"]["createdAt"], reverse=True)
            if "$top" in query:
                versions = versions[: int(query["$top"])]
            return Reply(200, {"value": copy.deepcopy(versions)})
        if len(rest) == 2 and method == "GET":
            versions = [v for (k, n, _), v in assets.items() if k == kind and n == rest[1].lower()]
            if not versions:
                return _not_found(f"{kind} {rest[1]}")
            latest = max(versions, key=lambda v: v["systemData"]["createdAt"])
            return Reply(200, {"id": latest["id"].rsplit("/versions/", 1)[0], "name": rest[1],
                               "properties": {"latestVersion": latest["name"]}, "systemData": system_data()})
        if len(rest) == 2 and method == "PUT":
            return Reply(200, {"id": f"{kind}/{rest[1]}", "name": rest[1], "properties": body.get("properties", {})})
        return _not_found("/".join(rest))

    # --- workspaces ----------------------------------------------------------------------------
    def _workspace_request(
        self, ws: FakeWorkspace, method: str, rest: tuple[str, ...], query: dict[str, str], body: Any
    ) -> Reply:
        if not rest:
            return Reply(200, ws.resource()) if method == "GET" else _bad_request("NotSupported", method)
        if rest[0].lower() in VERSIONED_KINDS:
            return self._versioned(ws, ws.assets, ws.asset_id, method, rest, query, body, immutable=False)
        key = tuple(part.lower() for part in rest)
        if method == "POST":
            return self._child_action(ws, key)
        if len(key) % 2 == 1:
            if method != "GET":
                return _bad_request("NotSupported", f"{method} on a collection")
            return Reply(200, {"value": ws.children_of(*key)})
        if method == "GET":
            found = ws.children.get(key)
            return Reply(200, copy.deepcopy(found)) if found else _not_found("/".join(rest))
        if method in ("PUT", "PATCH"):
            return self._put_child(ws, rest, key, body or {}, patch=method == "PATCH")
        if method == "DELETE":
            return self._delete_child(ws, key)
        return _bad_request("NotSupported", method)

    def _child_action(self, ws: FakeWorkspace, key: tuple[str, ...]) -> Reply:
        if key[-1] == "listkeys":
            return Reply(200, {"primaryKey": "fake-primary", "secondaryKey": "fake-secondary"})
        return Reply(200, {})

    def _put_child(self, ws: FakeWorkspace, rest: tuple[str, ...], key: tuple[str, ...], body: dict, *, patch: bool
                   ) -> Reply:
        existing = ws.children.get(key)
        if patch:
            if existing is None:
                return _not_found("/".join(rest))
            body = _merge(existing, body)
        if len(key) > 2 and key[:2] not in ws.children:
            return _not_found(f"parent {'/'.join(rest[:2])}")
        resource = copy.deepcopy(body)
        resource["id"] = f"{ws.arm_id}/{'/'.join(rest)}"
        resource["name"] = rest[-1]
        resource["type"] = f"{ARM_PROVIDER}/workspaces/" + "/".join(rest[::2])
        resource.setdefault("properties", {})["provisioningState"] = "Succeeded"
        resource["systemData"] = existing["systemData"] if existing else system_data()
        problem = self._check_child(ws, key, resource)
        if problem:
            return problem
        if key[0] in _LONG_RUNNING and not patch:
            def store(body: dict, key: tuple[str, ...] = key) -> None:
                ws.children[key] = copy.deepcopy(body)
            path = f"{ws.arm_id}/{'/'.join(rest)}"
            return self._long_running_put(resource, store, existing is not None, path, ARM_HOST)
        ws.children[key] = resource
        return Reply(200 if existing else 201, copy.deepcopy(resource))

    def _check_child(self, ws: FakeWorkspace, key: tuple[str, ...], resource: dict) -> Reply | None:
        """The cross-resource rules Azure enforces on endpoints and deployments."""
        props = resource["properties"]
        if key[0] in ("onlineendpoints", "batchendpoints") and len(key) == 2:
            identity = resource.get("identity") or {}
            if identity.get("type", "").lower().startswith("systemassigned"):
                identity.setdefault("principalId", str(uuid.uuid5(uuid.NAMESPACE_URL, resource["id"])))
                identity.setdefault("tenantId", "00000000-0000-0000-0000-000000000001")
            if key[0] == "batchendpoints":
                props.setdefault("defaults", {"deploymentName": None})
            host = f"{key[1]}.{ws.location}.inference.ml.azure.com"
            props.setdefault("scoringUri", f"https://{host}/score")
            wanted = set(props.get("traffic") or {}) if key[0] == "onlineendpoints" else set()
            default = (props.get("defaults") or {}).get("deploymentName")
            if default:
                wanted.add(default)
            missing = sorted(d for d in wanted if (*key, "deployments", d.lower()) not in ws.children)
            if missing:
                return _bad_request("BadArgument", f"deployments {', '.join(missing)} do not exist under {key[1]}")
            unready = sorted(
                d for d in wanted
                if ws.children[(*key, "deployments", d.lower())]["properties"].get("provisioningState") != "Succeeded"
            )
            if unready:
                return _bad_request("BadArgument", f"deployments {', '.join(unready)} are not in a succeeded state")
        if len(key) == 4 and key[2] == "deployments":
            if key[0] == "onlineendpoints":
                props.setdefault("scaleSettings", {"scaleType": "Default"})
            model = props.get("model") or ""
            if isinstance(model, dict):  # batch deployments send {"referenceType": "Id", "assetId": ...}
                model = model.get("assetId") or ""
            match = _REGISTRY_ASSET.match(model)
            registry = self.registry(match["reg"]) if match else None
            if match and registry is not None and registry.asset(match["kind"], match["name"], match["v"]) is None:
                return _bad_request("BadArgument", f"model {model} was not found")
        return None

    def _delete_child(self, ws: FakeWorkspace, key: tuple[str, ...]) -> Reply:
        if key not in ws.children:
            return Reply(204)
        if len(key) == 4 and key[2] == "deployments":
            endpoint = ws.children.get(key[:2], {}).get("properties", {})
            traffic = {name.lower(): share for name, share in (endpoint.get("traffic") or {}).items()}
            default = ((endpoint.get("defaults") or {}).get("deploymentName") or "").lower()
            if traffic.get(key[3], 0) > 0 or default == key[3]:
                return _bad_request("BadArgument", f"deployment {key[3]} still takes traffic; move it first")
        def remove() -> Reply:
            for child in [k for k in ws.children if k[: len(key)] == key]:
                del ws.children[child]
            return Reply(204)

        if key[0] in _LONG_RUNNING:
            ws.children[key].setdefault("properties", {})["provisioningState"] = "Deleting"
            return Reply(202, None, self._start("location", remove, ARM_HOST))
        return remove()
