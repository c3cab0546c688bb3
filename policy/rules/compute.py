"""ML compute rules: Entra ID authentication only, and clusters that scale to zero."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import ADVISORY, MANDATORY, resource_rule
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import ML_COMPUTE
from policy.rules.values import MISSING, UNKNOWN, get, same, show_value


def _local_auth_disabled(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "properties", "disableLocalAuth")
    if value is UNKNOWN:
        known_after_apply("properties.disableLocalAuth")
    elif value is MISSING:
        report("properties.disableLocalAuth is not set, so local (key) authentication stays enabled; set it to true")
    elif value is not True:
        report(f"properties.disableLocalAuth is {show_value(value)}; set it to true so only Entra ID is accepted")


def is_cluster(args: ResourceValidationArgs) -> bool:
    """Whether the compute is an AmlCompute cluster; an unknown type waits for apply (and is not one yet)."""
    kind = get(args.props, "properties", "computeType")
    if kind is UNKNOWN:
        known_after_apply("properties.computeType")
        return False
    return same(kind, "AmlCompute")


def _scales_to_zero(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_cluster(args):
        return
    # The API's default minimum is 0 nodes, so an absent minNodeCount scales to zero.
    minimum = get(args.props, "properties", "properties", "scaleSettings", "minNodeCount")
    if minimum is UNKNOWN:
        known_after_apply("scaleSettings.minNodeCount")
    elif minimum is not MISSING and minimum != 0:
        report(f"scaleSettings.minNodeCount is {show_value(minimum)}: idle nodes keep running and billing; set it to 0")


LOCAL_AUTH_DISABLED = resource_rule(
    "compute-local-auth-disabled",
    "ML computes accept Entra ID authentication only (disableLocalAuth).",
    MANDATORY,
    [ML_COMPUTE],
    _local_auth_disabled,
)
SCALES_TO_ZERO = resource_rule(
    "compute-scales-to-zero",
    "Compute clusters scale down to zero nodes when idle.",
    ADVISORY,
    [ML_COMPUTE],
    _scales_to_zero,
)

RULES = [LOCAL_AUTH_DISABLED, SCALES_TO_ZERO]
