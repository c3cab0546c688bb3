"""Reading a source version from its registry: the entity (for the gate) and its content (for the copy).

Everything here runs with the source side's client (``identities.SourceClients``) and only reads:
GETs of the version, and for files the registry's ``datarefs`` action, which hands out a read SAS
for the version's blobs, then blob downloads with that SAS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.ai.ml import MLClient
from azure.core.exceptions import ResourceNotFoundError

from postdeploy.retry import http_status

# The operation group of MLClient per URL plural.
OPERATIONS = {"models": "models", "data": "data", "environments": "environments", "components": "components"}
_REGISTRY_URI = re.compile(r"^azureml://registries/(?P<reg>[^/]+)/(?P<kind>[^/]+)/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$")
# Environment images outside any Azure container registry (mcr.microsoft.com, docker.io, ...).
_ACR_HOST = re.compile(r"^[a-z0-9]+\.azurecr\.io/", re.IGNORECASE)


@dataclass(frozen=True)
class RegistryRef:
    """An asset in some registry, parsed from its ``azureml://registries/...`` URI."""

    registry: str
    kind: str
    name: str
    version: str

    @classmethod
    def parse(cls, uri: str) -> RegistryRef | None:
        match = _REGISTRY_URI.match(str(uri).rstrip("/"))
        return cls(match["reg"], match["kind"], match["name"], match["version"]) if match else None


def read_version(client: MLClient, kind: str, name: str, version: str) -> Any | None:
    """The source version as an azure-ai-ml entity, or None when the registry does not have it."""
    operations = getattr(client, OPERATIONS[kind])
    try:
        return operations.get(name=name, version=version)
    except ResourceNotFoundError:
        return None
    except Exception as error:  # the SDK wraps some 404s in its own exceptions
        if http_status(error) == 404:
            return None
        raise


def image_in_acr(environment: Any) -> str | None:
    """The environment's image when it lives in an Azure container registry, else None."""
    image = getattr(environment, "image", None)
    return image if image and _ACR_HOST.match(image) else None


def definition(kind: str, entity: Any, environment: RegistryRef | None = None) -> dict[str, Any]:
    """What makes the version what it is, for the digest (see ``digest``): no tags, ids or storage URIs."""
    if kind in ("models", "data"):
        return {"kind": kind, "type": getattr(entity, "type", None)}
    if kind == "environments":
        build = getattr(entity, "build", None)
        return {
            "kind": kind, "image": entity.image, "conda_file": entity.conda_file,
            "os_type": getattr(entity, "os_type", None),
            "dockerfile": getattr(build, "dockerfile_path", None) if build else None,
            "inference_config": getattr(entity, "inference_config", None),
        }
    spec = entity._to_dict()
    dropped = ("name", "version", "tags", "description", "environment", "code", "id", "creation_context", "$schema")
    kept = {key: value for key, value in spec.items() if key not in dropped}
    kept["environment"] = f"{environment.name}:{environment.version}" if environment else str(entity.environment)
    return {"kind": kind, **kept}


def download(client: MLClient, kind: str, entity: Any, name: str, version: str, into: Path,
             credential: Any = None) -> Path | None:
    """Download the version's files into ``into``; returns where they are (None: the asset has no files).

    ``credential`` is the source side's: used on storage only when the registry answers
    ``NoCredentials`` instead of a SAS (see ``blob_reference``).
    """
    if kind in ("models", "data"):
        return _download_blobs(getattr(client, OPERATIONS[kind]), kind, name, version, str(entity.path),
                               into / name, credential)
    if kind == "environments":
        build = getattr(entity, "build", None)
        if build is None or not getattr(build, "path", None):
            return None  # image and conda file only: the definition is the whole content
        return _download_blobs(client.environments, kind, name, version, str(build.path), into / "build", credential)
    code = getattr(entity, "code", None)
    if not code:
        return None
    ref = RegistryRef.parse(str(code))
    if ref is None:
        raise ValueError(f"component {name}:{version}: code {code} is not a registry code asset")
    code_asset = client._code.get(name=ref.name, version=ref.version)  # no public accessor for registry codes
    return _download_blobs(client._code, "codes", ref.name, ref.version, str(code_asset.path), into / "code",
                           credential)


@dataclass(frozen=True)
class BlobReference:
    """Where a registry version's blobs are, and how to read them."""

    url: str  # a SAS URL, or the plain blob URL
    sas: bool


def blob_reference(operations: Any, asset_type: str, name: str, version: str, uri: str) -> BlobReference:
    """Ask the registry how to read a version's blobs: ``POST .../datarefs/{name}/versions/{version}``.

    The request is the one azure-ai-ml sends for registry model downloads. The answer's credential is
    ``SAS`` (a ``sasUri``) or ``NoCredentials`` (read with one's own identity); the SDK's helper
    handles only the first, and the service's choice is not documented, so both are handled here.
    """
    from azure.ai.ml._utils._registry_utils import REGISTRY_DATAPLANE_API_VERSION
    from azure.core.rest import HttpRequest

    scope = operations._operation_scope
    registry = scope.registry_name
    request = HttpRequest(
        "POST",
        f"/subscriptions/{scope.subscription_id}/resourceGroups/{scope.resource_group_name}"
        f"/providers/Microsoft.MachineLearningServices/registries/{registry}/datarefs/{name}/versions/{version}",
        params={"api-version": REGISTRY_DATAPLANE_API_VERSION},
        headers={"Accept": "application/json"},
        json={"assetId": f"azureml://registries/{registry}/{asset_type}/{name}/versions/{version}", "blobUri": uri},
    )
    response = operations._registry_service_client.send_request(request)
    response.raise_for_status()
    reference = response.json()["blobReferenceForConsumption"]
    credential = reference.get("credential") or {}
    if credential.get("credentialType", "").lower() == "sas" and credential.get("sasUri"):
        return BlobReference(credential["sasUri"], sas=True)
    return BlobReference(reference.get("blobUri") or uri, sas=False)


def _download_blobs(operations: Any, asset_type: str, name: str, version: str, uri: str, into: Path,
                    credential: Any) -> Path:
    """Every blob under the version's path, into ``into``, through azure-ai-ml's blob helper."""
    from azure.ai.ml._artifacts._blob_storage_helper import BlobStorageClient
    from azure.ai.ml._utils._storage_utils import get_ds_name_and_path_prefix

    _, prefix = get_ds_name_and_path_prefix(uri, operations._operation_scope.registry_name)
    reference = blob_reference(operations, asset_type, name, version, uri)
    if reference.sas:
        storage = BlobStorageClient(credential=None, account_url=reference.url)
    else:
        account_url, container = reference.url.split("/")[2], reference.url.split("/")[3]
        storage = BlobStorageClient(credential=credential, account_url=f"https://{account_url}",
                                    container_name=container)
    into.mkdir(parents=True, exist_ok=True)
    storage.download(starts_with=prefix, destination=str(into))
    if not any(into.iterdir()):
        # An empty download would digest like an empty asset: never copy that as if it were the source.
        raise FileNotFoundError(f"{asset_type.removesuffix('s')} {name}:{version}: no files under {uri}")
    return into
