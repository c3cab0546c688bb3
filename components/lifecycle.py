"""Resource options that decide what `pulumi up` does on a replace and when a tenant leaves.

Every Azure resource here has an explicit name. Pulumi replaces by creating the new resource
before deleting the old one; on Azure a create with the name of an existing resource is an update
of it, which the delete that follows then removes. So every named resource is deleted before it is
replaced (``delete_before_replace``); the review lists these replaces.

Offboarding (``tenants[].offboarding`` in config) changes options (and adds an ``offboarding`` tag, set by
the composition root, that tells the policy pack why protection is off):
- none: stateful resources (workspace, storage, key vault) are protected;
- ``handover``: nothing protected, everything ``retain_on_delete``: when the tenant's block is then
  removed, Pulumi forgets the resources and Azure keeps them with their data;
- ``delete``: nothing protected, nothing retained: removing the block deletes them.
"""

from __future__ import annotations

import pulumi

REPLACE_OPTIONS: dict[str, bool] = {"delete_before_replace": True}
HANDOVER, DELETE = "handover", "delete"


def resource_options(
    provider: pulumi.ProviderResource,
    parent: pulumi.Resource,
    *,
    stateful: bool = False,
    offboarding: str | None = None,
    **extra,
) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(
        parent=parent,
        provider=provider,
        protect=stateful and offboarding is None,
        retain_on_delete=offboarding == HANDOVER,
        **REPLACE_OPTIONS,
        **extra,
    )
