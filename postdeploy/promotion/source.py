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

from postdeploy.session import _none_if_missing

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
    return _none_if_missing(lambda: operations.get(name=name, version=version))


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


def download(client: MLClient, kind: str, entity: Any, name: str, version: str, into: Path) -> Path | None:
    """Download the version's files into ``into``; returns where they are (None: the asset has no files)."""
    if kind == "models":
        client.models.download(name=name, version=version, download_path=into)
        return _only_child(into)
    if kind == "data":
        return _download_blobs(client.data, "data", name, version, str(entity.path), into / name)
    if kind == "environments":
        build = getattr(entity, "build", None)
        if build is None or not getattr(build, "path", None):
            return None  # image and conda file only: the definition is the whole content
        return _download_blobs(client.environments, "environments", name, version, str(build.path), into / "build")
    code = getattr(entity, "code", None)
    if not code:
        return None
    ref = RegistryRef.parse(str(code))
    if ref is None:
        raise ValueError(f"component {name}:{version}: code {code} is not a registry code asset")
    code_asset = client._code.get(name=ref.name, version=ref.version)  # no public accessor for registry codes
    return _download_blobs(client._code, "codes", ref.name, ref.version, str(code_asset.path), into / "code")


def _download_blobs(operations: Any, asset_type: str, name: str, version: str, uri: str, into: Path) -> Path:
    """What ``ModelOperations.download`` does for a registry model, for the other asset types.

    azure-ai-ml downloads registry models only; data, build contexts and component code take the
    same route: a read SAS from the registry's ``datarefs`` action, then a blob download.
    """
    from azure.ai.ml._utils._registry_utils import get_storage_details_for_registry_assets
    from azure.ai.ml._utils._storage_utils import get_ds_name_and_path_prefix, get_storage_client

    registry = operations._operation_scope.registry_name
    _, prefix = get_ds_name_and_path_prefix(uri, registry)
    sas_uri, _auth = get_storage_details_for_registry_assets(
        service_client=operations._registry_service_client, asset_type=asset_type, asset_name=name,
        asset_version=version, reg_name=registry, rg_name=operations._operation_scope.resource_group_name, uri=uri,
    )
    storage = get_storage_client(credential=None, storage_account=None, account_url=sas_uri)
    into.mkdir(parents=True, exist_ok=True)
    storage.download(starts_with=prefix, destination=str(into))
    return into


def _only_child(folder: Path) -> Path:
    children = list(folder.iterdir()) if folder.is_dir() else []
    return children[0] if len(children) == 1 else folder
