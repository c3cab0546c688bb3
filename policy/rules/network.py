"""Public network access, shared by the registry and workspace rules."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.pending import known_after_apply
from policy.rules.values import MISSING, UNKNOWN, get, same, show_value


def check_public_network_access(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "publicNetworkAccess")
    if value is UNKNOWN:
        known_after_apply("publicNetworkAccess")
    elif value is MISSING:
        report("publicNetworkAccess is not set, and Azure's default is Enabled; set it to Disabled")
    elif not same(value, "Disabled"):
        report(f"publicNetworkAccess is {show_value(value)}; set it to Disabled and use private endpoints")
