"""Creating the promoted version in this stack's registry, and proving it holds what was copied.

The target version is created in one SDK call with every file and every lineage tag: files are
uploaded to the registry's storage first, and only then is the version itself created, so a failed
upload leaves no version behind. Registry versions are immutable, and the service's answer to a
second create of a version is not settled (201, 200 keeping the old one, 409 and 400 have all been
seen), so the outcome is decided by reading the version back: its digest tag must be ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.ai.ml.entities import BuildContext, Data, Environment, Model

from postdeploy.promotion.lineage import DIGEST_TAG, FROM_TAG, Lineage, source_tags
from postdeploy.promotion.source import OPERATIONS


class PromotionConflict(RuntimeError):
    """The target registry holds this version with other content; it is never overwritten."""


@dataclass(frozen=True)
class TargetVersion:
    kind: str  # URL plural
    name: str
    version: str


def target_entity(target: TargetVersion, source: Any, files: Path | None, lineage: Lineage,
                  environment_uri: str | None = None) -> Any:
    """The SDK entity to create in the target registry, from the source entity and the downloaded files."""
    tags = {**source_tags(getattr(source, "tags", None)), **lineage.tags()}
    description = getattr(source, "description", None)
    if target.kind == "models":
        return Model(name=target.name, version=target.version, path=str(files), type=source.type,
                     description=description, tags=tags, properties=dict(source.properties or {}),
                     stage=getattr(source, "stage", None))
    if target.kind == "data":
        path = files
        if source.type == "uri_file" and files is not None and files.is_dir():
            # A uri_file asset is one file: point at it, not at the folder it was downloaded into.
            path = next(p for p in files.rglob("*") if p.is_file())
        return Data(name=target.name, version=target.version, path=str(path), type=source.type,
                    description=description, tags=tags)
    if target.kind == "environments":
        # Rebuilt from its definition in the target registry: the service builds the image into
        # the target registry's own container registry, so prod never pulls from dev.
        build = getattr(source, "build", None)
        if files is not None and build is not None:
            return Environment(name=target.name, version=target.version, description=description, tags=tags,
                               build=BuildContext(path=str(files), dockerfile_path=build.dockerfile_path),
                               os_type=getattr(source, "os_type", None))
        return Environment(name=target.name, version=target.version, description=description, tags=tags,
                           image=source.image, conda_file=source.conda_file,
                           os_type=getattr(source, "os_type", None),
                           inference_config=getattr(source, "inference_config", None))
    component = source
    component.version = target.version
    component.tags = tags
    if environment_uri is not None:
        component.environment = environment_uri
    if files is not None:
        component.code = str(files)
    return component


def create(client: Any, target: TargetVersion, entity: Any) -> None:
    operations = getattr(client, OPERATIONS[target.kind])
    operations.create_or_update(entity)


def verify(found: Any | None, target: TargetVersion, lineage: Lineage, registry: str) -> None:
    """Raise unless the target version read back carries this promotion's source and digest."""
    where = f"{target.kind.removesuffix('s')} {target.name}:{target.version} in registry {registry}"
    if found is None:
        raise PromotionConflict(f"{where} is not there after the create call; nothing was promoted")
    tags = getattr(found, "tags", None) or {}
    if tags.get(FROM_TAG) != lineage.source_uri or tags.get(DIGEST_TAG) != lineage.digest:
        raise PromotionConflict(conflict_reason(where, tags, lineage.source_uri, lineage.digest))


def conflict_reason(where: str, tags: dict[str, str], source_uri: str, digest: str | None) -> str:
    """Why an existing target version is not this promotion's copy."""
    found_from, found_digest = tags.get(FROM_TAG), tags.get(DIGEST_TAG)
    if found_from is None:
        what = "was not created by a promotion"
    elif found_from != source_uri:
        what = f"was promoted from {found_from}"
    else:
        what = f"holds digest {found_digest}, the source now digests to {digest}"
    return (f"conflict: {where} already exists and {what}; registry versions are immutable, so it is "
            "never overwritten: promote with targetVersion: next, or promote another version")
