"""Every rule of the ml-tenancy policy pack.

``ALL`` is what the pack registers (``policy/__main__.py``) and what the offline runner runs
(``policy.offline``); each module of ``policy.rules`` holds the rules of one kind of resource.
"""

from __future__ import annotations

from pulumi_policy import Policy

from policy.rules import (
    access,
    compute,
    containerregistry,
    diagnostics,
    exposure,
    isolation,
    keyvault,
    monitoring,
    outbound,
    private_endpoints,
    protection,
    recovery,
    registry,
    storage,
    tagging,
    workspace,
)

ALL: list[Policy] = [
    *access.RULES,
    *isolation.RULES,
    *registry.RULES,
    *workspace.RULES,
    *compute.RULES,
    *storage.RULES,
    *keyvault.RULES,
    *containerregistry.RULES,
    *monitoring.RULES,
    *protection.RULES,
    *tagging.RULES,
    # Private network, resource logs and recovery.
    *exposure.RULES,
    *outbound.RULES,
    *private_endpoints.RULES,
    *diagnostics.RULES,
    *recovery.RULES,
]

BY_NAME: dict[str, Policy] = {p.name: p for p in ALL}
