"""Config that is valid yet probably not what was meant: warnings, printed by preview and post-deploy.

They do not stop anything (each can be deliberate), but each has bitten someone:
- the registry owner listed as a member of a tenant: the owner already has its platform roles, and
  a member entry adds tenant roles to the identity that runs post-deploy for every tenant;
- a push into a workspace where the registry owner has no role (``ownerAccess: []`` and no
  subscription-wide grant from another tenant): post-deploy runs as the owner, so its create fails
  with 403 after `pulumi up` succeeded.
A catalog asset changed under an existing version is the third; it needs a baseline and is
found in the change set (``preview.diff``).
"""

from __future__ import annotations

from stacks.access import plan_role_grants
from stacks.model import PlatformConfig
from stacks.offboarding import granted_topology
from stacks.roles import Role


def config_warnings(config: PlatformConfig) -> tuple[str, ...]:
    owner = config.registry.owner.object_id.lower()
    warnings = []
    for i, tenant in enumerate(config.tenants):
        for j, member in enumerate(tenant.members):
            if member.object_id.lower() == owner:
                warnings.append(
                    f"tenants[{i}].members[{j}]: {member.object_id} is the registry owner "
                    f"({config.registry.owner.label or 'registry.owner'}); it gets tenant {tenant.key}'s roles on "
                    "top of the platform's, for every run of post-deploy; list a tenant identity instead"
                )
    topology = granted_topology(config)
    owned_scopes = {
        g.scope.id.lower() for g in plan_role_grants(topology)
        if g.principal.kind == "owner" and g.role is Role.CONTRIBUTOR
    }
    for i, push in enumerate(config.sharing.push):
        for ref in push.to:
            site = next((s for s in topology.sites if s.ref == ref), None)
            if site is None:
                continue
            if not {site.workspace_id.lower(), f"/subscriptions/{site.subscription_id}".lower()} & owned_scopes:
                warnings.append(
                    f"sharing.push[{i}]: pushes {push.model}:{push.version} into {ref}, where the registry owner "
                    f"has no role (tenant {site.tenant.key} has ownerAccess: {list(site.tenant.owner_access)}); "
                    "post-deploy runs as the owner and its endpoint create will be refused (403); add "
                    "'workspace' to ownerAccess or drop the push"
                )
    return tuple(warnings)
