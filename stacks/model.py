"""Typed, frozen stack config: the user-facing contract of Pulumi.<stack>.yaml."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from stacks.errors import field_error
from stacks.fields import (
    AssetName,
    ConfigModel,
    Guid,
    NetworkAccess,
    PrincipalType,
    TenantKey,
    Version,
    VmSize,
    WholeNumber,
    WorkspaceKey,
    WorkspaceRef,
    described,
    non_empty,
)
from stacks.network import EndpointPlacement, Network, Recovery
from stacks.promotion import Promotion
from stacks.retraining import RetrainingJob

REGISTRY_ALLOWED = "a registry name: 3-32 letters, digits, '_' or '-', starting with a letter or digit"
REGION_ALLOWED = "an Azure region (ARM location name) such as westeurope"
RESOURCE_GROUP_ALLOWED = "a resource group name: 1-90 letters, digits, '_', '-', '.', '(' or ')'"
COMPUTE_ALLOWED = "a compute cluster name: 2-16 letters, digits or '-', starting with a letter"
CATALOG_FILE_ALLOWED = "a project-relative path of an azure-ai-ml YAML file, such as catalog/environments/sklearn.yml"

MemberRoleKey = Literal["dataScientist", "computeOperator", "registryUser", "registryReader"]
OwnerAccess = Literal["subscription", "workspace"]
Offboarding = Literal["handover", "delete"]


class Principal(ConfigModel):
    object_id: Guid
    type: PrincipalType
    label: str | None = None


class Member(Principal):
    roles: Annotated[
        tuple[MemberRoleKey, ...],
        non_empty("role: dataScientist, computeOperator, registryUser or registryReader"),
    ]


class Compute(ConfigModel):
    name: Annotated[str, described(COMPUTE_ALLOWED)] = "cpu-cluster"
    vm_size: VmSize = "Standard_DS3_v2"
    min_nodes: WholeNumber = Field(0, ge=0, le=100)
    max_nodes: WholeNumber = Field(4, ge=1, le=100)
    idle_minutes: WholeNumber = Field(30, ge=2, le=10080)

    @model_validator(mode="after")
    def _bounds(self) -> Compute:
        if self.min_nodes > self.max_nodes:
            raise field_error(
                "minNodes",
                f"{self.min_nodes} is greater than maxNodes ({self.max_nodes}); "
                "allowed: minNodes from 0 up to maxNodes",
            )
        return self


class Workspace(ConfigModel):
    key: WorkspaceKey
    subscription_id: Guid
    region: Annotated[str, described(REGION_ALLOWED)]
    resource_group: Annotated[str, described(RESOURCE_GROUP_ALLOWED)] | None = None
    name: Annotated[str, described("a workspace name: 3-33 letters, digits, '_' or '-'")] | None = None
    public_network_access: NetworkAccess = "Enabled"
    compute: Compute = Compute()
    retraining: tuple[RetrainingJob, ...] = ()
    # A tenant's own spoke for this workspace's inbound private endpoints (default: network.privateEndpoints).
    private_endpoints: EndpointPlacement | None = None


class Tenant(ConfigModel):
    key: TenantKey
    display_name: str | None = None
    entra_tenant_id: Guid | None = None
    members: tuple[Member, ...] = ()
    owner_access: tuple[OwnerAccess, ...] = ("subscription", "workspace")
    workspaces: Annotated[tuple[Workspace, ...], non_empty("workspace (a block with key, subscriptionId, region)")]
    # Taking the tenant off the platform, step 1 of 2 (see stacks.offboarding and the README).
    offboarding: Offboarding | None = None


class Registry(ConfigModel):
    name: Annotated[str, described(REGISTRY_ALLOWED)]
    subscription_id: Guid
    resource_group: Annotated[str, described(RESOURCE_GROUP_ALLOWED)]
    primary_region: Annotated[str, described(REGION_ALLOWED)]
    additional_regions: tuple[Annotated[str, described(REGION_ALLOWED)], ...] = ()
    public_network_access: NetworkAccess = "Enabled"
    owner: Principal

    @property
    def regions(self) -> tuple[str, ...]:
        return (self.primary_region, *self.additional_regions)


class CatalogFiles(ConfigModel):
    environments: tuple[Annotated[str, described(CATALOG_FILE_ALLOWED)], ...] = ()
    components: tuple[Annotated[str, described(CATALOG_FILE_ALLOWED)], ...] = ()


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
            found = f"names {len(given)} assets ({', '.join(given)})" if given else "names no asset"
            raise ValueError(
                f"{found}; name exactly one with one of the keys {', '.join(self._kinds)}"
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
            raise field_error(
                "component",
                "components cannot be shared from a workspace: components are created in the registry "
                "directly; list the component's YAML under catalog.components instead",
            )
        self._exactly_one()
        return self


class Endpoint(ConfigModel):
    kind: Literal["online", "batch"]
    name: Annotated[str, described("an endpoint name: 3-32 letters, digits or '-', starting with a letter")]
    instance_type: VmSize | None = None
    instance_count: WholeNumber = Field(1, ge=1, le=50)
    compute: Annotated[str, described(COMPUTE_ALLOWED)] | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Endpoint:
        if self.kind == "online" and self.instance_type is None:
            raise field_error(
                "instanceType", "is required for an online endpoint: a VM size such as Standard_DS3_v2"
            )
        if self.kind == "batch" and self.instance_type is not None:
            raise field_error(
                "instanceType",
                "is not allowed for a batch endpoint, which runs on the workspace's compute cluster; "
                "remove it (and set compute to pick the cluster)",
            )
        if self.kind == "online" and self.compute is not None:
            raise field_error(
                "compute",
                "is not allowed for an online endpoint, which runs on managed instances; "
                "remove it and size the endpoint with instanceType and instanceCount",
            )
        return self


class PushEntry(ConfigModel):
    model: AssetName
    version: Version
    to: Annotated[tuple[WorkspaceRef, ...], non_empty("workspace reference such as tenant1/ws1")]
    endpoint: Endpoint


class PullEntry(_AssetChoice):
    _kinds = ("model", "data", "environment", "component")
    model: AssetName | None = None
    data: AssetName | None = None
    environment: AssetName | None = None
    component: AssetName | None = None
    version: Version
    into: Annotated[tuple[WorkspaceRef, ...], non_empty("workspace reference such as tenant1/ws1")]

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
    catalog: CatalogFiles = CatalogFiles()
    sharing: Sharing = Sharing()
    promotions: tuple[Promotion, ...] = ()
    tags: dict[str, str] = Field(default_factory=dict)
    network: Network = Network()
    recovery: Recovery = Recovery()
