"""The desired state captured from one run of the program: resources as the engine saw them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from program.platform import Platform
from stacks.model import PlatformConfig

UNKNOWN = "<known after apply>"


@dataclass(frozen=True)
class CapturedResource:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    protect: bool
    inputs: dict[str, Any]
    dependencies: tuple[str, ...] = ()
    subscription_id: str | None = None
    id: str | None = None
    # Per input, the resources its value comes from: tells whose identity an unknown principalId is.
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # What `pulumi up` does when this resource is replaced or dropped from the program.
    delete_before_replace: bool = False
    retain_on_delete: bool = False

    @property
    def is_azure(self) -> bool:
        return self.type.startswith("azure-native:")


@dataclass(frozen=True)
class Graph:
    stack: str
    resources: tuple[CapturedResource, ...]
    outputs: dict[str, Any] = field(default_factory=dict)
    config: PlatformConfig | None = None  # as the program read it from the engine
    platform: Platform | None = None  # what the program returned (None for a custom test program)

    def by_urn(self, urn: str | None) -> CapturedResource | None:
        return next((r for r in self.resources if r.urn == urn), None)

    def of_type(self, type_: str) -> list[CapturedResource]:
        return [r for r in self.resources if r.type == type_]

    @property
    def azure(self) -> list[CapturedResource]:
        return [r for r in self.resources if r.is_azure]
