"""Role assignments of the stack, one per planned grant, under a single Access component.

All assignments share one parent so a grant that several tenants ask for (a shared
subscription, a group in two tenants) keeps its URN when tenants come and go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization

from components.lifecycle import REPLACE_OPTIONS
from stacks.access import RoleGrant


@dataclass(frozen=True)
class Principals:
    """Where the object ids of managed identities come from once they exist."""

    workspace_identities: Mapping[str, pulumi.Output[str]]
    compute_identities: Mapping[str, pulumi.Output[str]]


@dataclass(frozen=True)
class AccessArgs:
    grants: Sequence[RoleGrant]
    principals: Principals
    providers: Mapping[str, pulumi.ProviderResource]
    # Resources that must exist before a role is assigned on them: the registry and each workspace.
    registry: pulumi.Resource
    workspaces: Mapping[str, pulumi.Resource]


class Access(pulumi.ComponentResource):
    def __init__(self, name: str, args: AccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ml-tenancy:platform:Access", name, None, opts)
        self.assignments: dict[str, authorization.RoleAssignment] = {}
        for grant in args.grants:
            scope_owner = _scope_resource(grant, args)
            self.assignments[grant.name] = authorization.RoleAssignment(
                logical_name(grant),
                role_assignment_name=grant.name,
                scope=grant.scope.id,
                role_definition_id=grant.role_definition_id,
                principal_id=_principal_id(grant, args.principals),
                # Explicit, so a freshly created managed identity is not looked up as a User.
                principal_type=grant.principal.principal_type,
                description=grant.description,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    provider=args.providers[grant.scope.subscription_id],
                    depends_on=[scope_owner] if scope_owner is not None else [],
                    # A new principal or scope replaces the assignment under the same GUID name; Azure
                    # refuses to re-point an existing name, so the old one goes first.
                    **REPLACE_OPTIONS,
                ),
            )
        self.register_outputs({"count": len(self.assignments)})


def logical_name(grant: RoleGrant) -> str:
    role = grant.role.value.lower().replace("azureml ", "").replace(" ", "-")
    return f"{grant.principal.kind}-{role}-{grant.name}"


def _scope_resource(grant: RoleGrant, args: AccessArgs) -> pulumi.Resource | None:
    if grant.scope.kind == "registry":
        return args.registry
    if grant.scope.kind == "workspace":
        return args.workspaces[grant.scope.workspace_ref]
    return None  # subscriptions exist before the stack does


def _principal_id(grant: RoleGrant, principals: Principals) -> pulumi.Input[str]:
    p = grant.principal
    if p.object_id:
        return p.object_id
    source = principals.workspace_identities if p.kind == "workspace-identity" else principals.compute_identities
    return source[p.identity_of]
