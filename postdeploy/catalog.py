"""The catalog: environments and components as azure-ai-ml YAML, loaded with the SDK's own loaders.

This is the one reader of catalog files: the retraining checks read component inputs through
``read_component`` too. Loading through ``load_environment`` / ``load_component`` applies the
SDK's schema validation, so a catalog file that ``az ml`` would reject fails here too, before anything is sent.

Components in a registry must reference environments by full registry URI, so short references
(``azureml:sklearn-env:1``, ``azureml:sklearn-env@latest``) are rewritten to
``azureml://registries/<registry>/environments/<name>/versions/<version>``; ``@latest`` resolves to
the version the catalog itself declares, never to whatever the registry holds today.

Registry versions are immutable, so each asset carries a fingerprint of its content (tag
``mlt-fingerprint``): the same version with the same fingerprint is skipped, the same version with
another fingerprint means someone changed a file without bumping its version.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from azure.ai.ml import load_component, load_environment

from postdeploy.targets import RegistrySite
from stacks.model import PlatformConfig

CONTENT_FINGERPRINT_TAG = "mlt-fingerprint"
MANAGED_TAG = "mlt-managed-by"
MANAGED_BY = "ml-tenancy post-deploy"

# The SDK loader turns "azureml:sklearn-env:1" into "sklearn-env:1", so the prefix is optional here.
_SHORT_ENV = re.compile(
    r"^(?:azureml:)?(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)(?::(?P<version>[^@:/]+)|@(?P<label>\w+))?$"
)
_REGISTRY_ENV = re.compile(r"^azureml://registries/(?P<reg>[^/]+)/environments/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$")


class CatalogError(ValueError):
    """A catalog file the SDK rejects, or that cannot live in a registry as written."""


@dataclass(frozen=True)
class RegistryAsset:
    """A registry asset version; ``kind`` is the URL plural (models, data, environments, components)."""

    kind: str
    name: str
    version: str

    @property
    def key(self) -> str:
        return registry_key(self.kind, self.name, self.version)


@dataclass(frozen=True)
class CatalogAsset:
    """One environment or component to seed, with the registry keys it needs and provides."""

    kind: Literal["environments", "components"]
    name: str
    version: str
    path: str
    fingerprint: str
    environments: tuple[RegistryAsset, ...] = ()  # registry environments a component runs in
    load: Callable[[], Any] = field(compare=False, repr=False, default=lambda: None)

    @property
    def key(self) -> str:
        return registry_key(self.kind, self.name, self.version)

    @property
    def requires(self) -> tuple[str, ...]:
        return tuple(env.key for env in self.environments)

    def entity(self) -> Any:
        """A fresh SDK entity (environment references rewritten, tags set) for one create call."""
        return self.load()


@dataclass(frozen=True)
class Catalog:
    environments: tuple[CatalogAsset, ...]
    components: tuple[CatalogAsset, ...]


def registry_key(kind: str, name: str, version: str) -> str:
    """The dependency key of a registry asset; ``kind`` is the URL plural (models, environments, ...)."""
    return f"registry:{kind}/{name.lower()}/{version}"


def fingerprint(document: dict[str, Any], code_dir: Path | None = None) -> str:
    """A content hash of the SDK's view of an asset (tags excluded) and of its local code, if any."""
    digest = hashlib.sha256()
    content = {k: v for k, v in document.items() if k != "tags"}
    digest.update(json.dumps(content, sort_keys=True, default=str).encode())
    if code_dir is not None and code_dir.is_dir():
        for file in sorted(p for p in code_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(file.relative_to(code_dir).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:20]


def _tagged(entity: Any, print_: str) -> Any:
    entity.tags = {**(entity.tags or {}), CONTENT_FINGERPRINT_TAG: print_, MANAGED_TAG: MANAGED_BY}
    return entity


def _code_dir(source: Path, component: Any) -> Path | None:
    code = getattr(component, "code", None)
    if not isinstance(code, (str, Path)) or str(code).startswith(("azureml:", "http://", "https://", "git+")):
        return None
    return (source.parent / code).resolve()


def environment_uri(ref: str, registry: RegistrySite, catalog_versions: dict[str, str], where: str) -> str:
    """A component's environment reference as the full registry URI a registry component needs."""
    if match := _REGISTRY_ENV.match(ref):
        return ref
    match = _SHORT_ENV.match(ref)
    if not match:
        raise CatalogError(
            f"{where}: environment '{ref}' cannot be used by a registry component; reference a catalog "
            "environment as azureml:<name>:<version> or a registry one as azureml://registries/..."
        )
    name, version = match["name"], match["version"]
    if match["label"] not in (None, "latest"):
        raise CatalogError(f"{where}: environment '{ref}': only @latest (the catalog's version) can be resolved")
    if version is None:
        if name not in catalog_versions:
            raise CatalogError(
                f"{where}: environment '{ref}' has no version and is not in the catalog; pin a version"
            )
        version = catalog_versions[name]
    return registry.asset_uri("environments", name, version)


def _load_environment(source: Path) -> Any:
    try:
        return load_environment(source)
    except Exception as error:
        raise CatalogError(f"{source}: {error}") from error


def read_component(source: Path) -> Any:
    """A catalog component as the SDK loads it (the one reader of component files: seeding and the
    retraining checks both use it); CatalogError when the SDK rejects the file."""
    try:
        return load_component(source)
    except Exception as error:
        raise CatalogError(f"{source}: {error}") from error


def load_catalog(cfg: PlatformConfig, registry: RegistrySite, project_dir: Path) -> Catalog:
    environments = []
    for rel in cfg.catalog.environments:
        source = project_dir / rel
        env = _load_environment(source)
        if not env.version:
            raise CatalogError(f"{rel}: give the environment an explicit version; registry versions are immutable")
        print_ = fingerprint(env._to_dict())
        environments.append(CatalogAsset(
            "environments", env.name, str(env.version), rel, print_,
            load=lambda source=source, print_=print_: _tagged(_load_environment(source), print_),
        ))
    versions = {env.name: env.version for env in environments}

    components = []
    for rel in cfg.catalog.components:
        source = project_dir / rel
        component = read_component(source)
        if not component.version:
            raise CatalogError(f"{rel}: give the component an explicit version; registry versions are immutable")
        env_ref = component.environment
        uri = None
        if isinstance(env_ref, str):
            uri = environment_uri(env_ref, registry, versions, rel)
            component.environment = uri
        print_ = fingerprint(component._to_dict(), _code_dir(source, component))
        needs = ()
        if uri and (match := _REGISTRY_ENV.match(uri)) and match["reg"] == registry.name:
            needs = (RegistryAsset("environments", match["name"], match["version"]),)

        def build(source: Path = source, uri: str | None = uri, print_: str = print_) -> Any:
            fresh = read_component(source)
            if uri:
                fresh.environment = uri
            return _tagged(fresh, print_)

        components.append(CatalogAsset(
            "components", component.name, str(component.version), rel, print_, needs, load=build,
        ))
    return Catalog(tuple(environments), tuple(components))
