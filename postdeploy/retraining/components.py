"""The components the registry is seeded with (``catalog.components``), as pipelines see them.

Retraining pipelines reference components in the registry by name and version; the registry holds
exactly what the catalog seeds, so the catalog YAML files tell offline which inputs a step may
bind, which it must bind, and the types and ranges of each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from postdeploy.catalog import CatalogError, read_component


@dataclass(frozen=True)
class ComponentInput:
    name: str
    type: str
    optional: bool
    default: Any = None
    min: float | None = None
    max: float | None = None
    enum: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return not self.optional and self.default is None


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    version: str
    source: str
    inputs: Mapping[str, ComponentInput]

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.version}"


def catalog_components(project_dir: Path, files: tuple[str, ...]) -> dict[tuple[str, str], ComponentSpec]:
    """Seeded components by (name, version); files that do not load are left to the seeding step."""
    found: dict[tuple[str, str], ComponentSpec] = {}
    for rel in files:
        path = project_dir / rel
        if not path.is_file():
            continue
        spec = _component(path.read_text(encoding="utf-8"), str(path), rel)
        if spec is not None:
            found[(spec.name, spec.version)] = spec
    return found


@cache
def _component(text: str, origin: str, rel: str) -> ComponentSpec | None:
    # Cached by content: the checks run for every command, the file is read once per content.
    try:
        component = read_component(Path(origin))
    except CatalogError:  # a broken catalog file is reported where the catalog is seeded
        return None
    return ComponentSpec(
        name=component.name,
        version=str(component.version),
        source=rel,
        inputs={name: _input(name, port) for name, port in component.inputs.items()},
    )


def _input(name: str, port: Any) -> ComponentInput:
    def number(value: Any) -> float | None:
        return float(value) if value is not None else None

    return ComponentInput(
        name=name,
        type=str(port.type),
        optional=bool(getattr(port, "optional", False)),
        default=getattr(port, "default", None),
        min=number(getattr(port, "min", None)),
        max=number(getattr(port, "max", None)),
        enum=tuple(getattr(port, "enum", None) or ()),
    )
