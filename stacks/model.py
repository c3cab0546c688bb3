"""Typed, frozen stack config: the user-facing contract of Pulumi.<stack>.yaml."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from stacks.fields import (
    AssetName,
    ConfigModel,
    Guid,
    NetworkAccess,
    PrincipalType,
    TenantKey,
    Version,
    WorkspaceKey,
    WorkspaceRef,
)
from stacks.retraining import RetrainingJob

MemberRoleKey = Literal["dataScientist", "computeOperator", "registryUser", "registryReader"]
OwnerAccess = Literal["subscription", "workspace"]


class Principal(ConfigModel):
    object_id: Guid
    type: PrincipalType
    label: str | None = None


class Member(Principal):
    roles: tuple[MemberRoleKey, ...] = Field(min_length=1)


class Compute(ConfigModel):
    name: str = "cpu-cluster"
    vm_size: str = Field("Standard_DS3_v2", pattern=r"^Standard_[A-Za-z0-9_]+$")
    min_nodes: int = Field(0, ge=0, le=100)
    max_nodes: int = Field(4, ge=1, le=100)
    idle_minutes: int = Field(30, ge=2, le=10080)

    @model_validator(mode="after")
    def _bounds(self) -> Compute:
        if self.min_nodes > self.max_nodes:
            raise ValueError(f"minNodes ({self.min_nodes}) is greater than maxNodes ({self.max_nodes})")
        return self


class Workspace(ConfigModel):
    key: WorkspaceKey
    subscription_id: Guid
    region: str
    resource_group: str | None = None
    name: str | None = None
    public_network_access: NetworkAccess = "Enabled"
    compute: Compute = Compute()
    retraining: tuple[RetrainingJob, ...] = ()


class Tenant(ConfigModel):
    key: TenantKey
    display_name: str | None = None
    entra_tenant_id: Guid | None = None
    members: tuple[Member, ...] = ()
    owner_access: tuple[OwnerAccess, ...] = ("subscription", "workspace")
    workspaces: tuple[Workspace, ...] = Field(min_length=1)


class Registry(ConfigModel):
    name: str
    subscription_id: Guid
    resource_group: str
    primary_region: str
    additional_regions: tuple[str, ...] = ()
    public_network_access: NetworkAccess = "Enabled"
    owner: Principal

    @property
    def regions(self) -> tuple[str, ...]:
        return (self.primary_region, *self.additional_regions)


class Catalog(ConfigModel):
    environments: tuple[str, ...] = ()
    components: tuple[str, ...] = ()


class _AssetChoice(ConfigModel):
    """Entries that name exactly one asset by kind."""

    _kinds: tuple[str, ...] = ("model", "data", "environment")

    @property
    def asset_kind(self) -> str:
        return next(kind for kind in self._kinds if getattr(self, kind) is not None)

    @property
    def asset_name(self) -> str:
        return getattr(self, self.asset_kind)

    def _exactly_one(self) -> None:
        given = [kind for kind in self._kinds if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(
                f"name exactly one asset with one of the keys {', '.join(self._kinds)}"
                + (f"; got {', '.join(given)}" if given else "")
            )


class ShareEntry(_AssetChoice):
    from_: WorkspaceRef = Field(alias="from")
    model: AssetName | None = None
    data: AssetName | None = None
    environment: AssetName | None = None
    component: AssetName | None = None
    version: Version

    @model_validator(mode="after")
    def _one_asset(self) -> ShareEntry:
        if self.component is not None:
            raise ValueError(
                "components cannot be shared from a workspace; list the component's YAML under "
                "catalog.components so it is created in the registry directly"
            )
        self._exactly_one()
        return self


class Endpoint(ConfigModel):
    kind: Literal["online", "batch"]
    name: str
    instance_type: str | None = None
    instance_count: int = Field(1, ge=1, le=50)
    compute: str | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Endpoint:
        if self.kind == "online" and self.instance_type is None:
            raise ValueError("an online endpoint needs instanceType (for example Standard_DS3_v2)")
        if self.kind == "batch" and self.instance_type is not None:
            raise ValueError("a batch endpoint runs on a compute cluster: set compute, not instanceType")
        return self


class PushEntry(ConfigModel):
    model: AssetName
    version: Version
    to: tuple[WorkspaceRef, ...] = Field(min_length=1)
    endpoint: Endpoint


class PullEntry(_AssetChoice):
    _kinds = ("model", "data", "environment", "component")
    model: AssetName | None = None
    data: AssetName | None = None
    environment: AssetName | None = None
    component: AssetName | None = None
    version: Version
    into: tuple[WorkspaceRef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_asset(self) -> PullEntry:
        self._exactly_one()
        return self


class Sharing(ConfigModel):
    share: tuple[ShareEntry, ...] = ()
    push: tuple[PushEntry, ...] = ()
    pull: tuple[PullEntry, ...] = ()


class PlatformConfig(ConfigModel):
    """The whole stack, validated; built only through ``stacks.load``."""

    environment: str
    entra_tenant_id: Guid
    registry: Registry
    tenants: tuple[Tenant, ...] = ()
    catalog: Catalog = Catalog()
    sharing: Sharing = Sharing()
    tags: dict[str, str] = Field(default_factory=dict)
