"""Taking a tenant off the platform: two `pulumi up`s, the first one marked in config.

Step 1: the tenant's block gets ``offboarding: handover`` or ``offboarding: delete``. Its resources
stay in the program with new options (``components.lifecycle``): unprotected, and with ``handover``
retained on delete; an ``offboarding`` tag (an in-place update) says why in Azure and to the
policy pack. Every role assignment the platform made for the tenant goes
(its members, its identities on the registry, the registry owner in its subscription and
workspaces); an assignment another tenant still needs stays, with that tenant as its reason.
Protect and retain-on-delete take effect from state, which is why this is a step of its own.

Step 2: the block is removed. With ``handover`` Pulumi forgets the resources and Azure keeps them
and their data in the tenant's subscription; with ``delete`` Pulumi deletes them.
"""

from __future__ import annotations

from stacks.errors import ConfigError, Problem
from stacks.model import PlatformConfig
from stacks.topology import Topology

HANDOVER, DELETE = "handover", "delete"
# Tag on every resource of a tenant being offboarded; the protection policy accepts it in place of protect.
OFFBOARDING_TAG = "offboarding"

STEP_ONE = {
    HANDOVER: "stop protecting its resources, mark them retain-on-delete, remove the platform's role "
              "assignments for it; nothing in Azure is deleted",
    DELETE: "stop protecting its resources and remove the platform's role assignments for it; nothing "
            "else in Azure changes yet",
}
STEP_TWO = {
    HANDOVER: "remove the tenant's block: Pulumi forgets its resources, Azure keeps them and their data",
    DELETE: "remove the tenant's block: Pulumi deletes its resource groups, workspaces, storage "
            "accounts (and their data) and key vaults",
}


def offboarding_tenants(config: PlatformConfig) -> dict[str, str]:
    """Tenant key -> mode, for the tenants marked for offboarding."""
    return {t.key: t.offboarding for t in config.tenants if t.offboarding}


def granted_topology(config: PlatformConfig) -> Topology:
    """The topology role assignments are planned from: tenants being offboarded get none."""
    leaving = offboarding_tenants(config)
    if not leaving:
        return Topology.of(config)
    staying = tuple(t for t in config.tenants if t.key not in leaving)
    return Topology.of(config.model_copy(update={"tenants": staying}))


def offboarding_problems(config: PlatformConfig) -> list[Problem]:
    """Flows into or out of a workspace that is leaving would need access it is losing, and its
    retraining schedules would keep running in a workspace the platform no longer manages."""
    leaving = offboarding_tenants(config)
    problems = []
    for t, tenant in enumerate(config.tenants):
        if tenant.key not in leaving:
            continue
        for w, workspace in enumerate(tenant.workspaces):
            for j, job in enumerate(workspace.retraining):
                problems.append(Problem(
                    f"tenants[{t}].workspaces[{w}].retraining[{j}]",
                    f"retraining job '{job.name}' runs in {tenant.key}/{workspace.key}, but tenant {tenant.key} "
                    f"is being offboarded ({leaving[tenant.key]}); remove the job in the same change (its "
                    f"schedule {job.schedule_name} stays in the workspace until someone deletes or disables it)",
                ))
    for kind in ("share", "push", "pull"):
        for i, entry in enumerate(getattr(config.sharing, kind)):
            refs = (entry.from_,) if kind == "share" else entry.to if kind == "push" else entry.into
            for ref in refs:
                tenant = ref.split("/", 1)[0]
                if tenant in leaving:
                    problems.append(Problem(
                        f"sharing.{kind}[{i}]",
                        f"names {ref}, but tenant {tenant} is being offboarded ({leaving[tenant]}); remove "
                        "this flow (or the tenant from it) in the same change",
                    ))
    return problems


def check_offboarding(config: PlatformConfig, source: str = "stack config") -> None:
    problems = offboarding_problems(config)
    if problems:
        raise ConfigError(problems, source)
