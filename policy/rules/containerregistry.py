"""Container registry rule: no admin user (its password bypasses Entra ID and RBAC)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import MANDATORY, resource_rule
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import CONTAINER_REGISTRY
from policy.rules.values import MISSING, UNKNOWN, get, show_value


def _admin_disabled(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "adminUserEnabled")
    if value is UNKNOWN:
        known_after_apply("adminUserEnabled")
    elif value is not MISSING and value is not False:
        report(f"adminUserEnabled is {show_value(value)}; pull with managed identities (AcrPull) instead")


ADMIN_DISABLED = resource_rule(
    "container-registry-admin-disabled",
    "Container registries have the admin user disabled.",
    MANDATORY,
    [CONTAINER_REGISTRY],
    _admin_disabled,
)

RULES = [ADMIN_DISABLED]
