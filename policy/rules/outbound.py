"""What a workspace's compute can reach: no public IPs on nodes, only approved outbound traffic.

Azure's defaults are the open ones (nodes get public IPs, a workspace without a managed
network has unrestricted outbound), so absent values are violations. Advisory by default,
mandatory in a private stack's pack config.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.compute import is_cluster
from policy.rules.define import ADVISORY, MANDATORY, resource_rule
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import ML_COMPUTE, ML_WORKSPACE
from policy.rules.values import MISSING, UNKNOWN, get, same, show_value

APPROVED_OUTBOUND = "AllowOnlyApprovedOutbound"


def _no_node_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_cluster(args):
        return
    value = get(args.props, "properties", "properties", "enableNodePublicIp")
    if value is UNKNOWN:
        known_after_apply("properties.properties.enableNodePublicIp")
    elif value is MISSING:
        report(
            "properties.properties.enableNodePublicIp is not set, and Azure's default is true; set it to false "
            "so nodes are reachable only inside the workspace's network"
        )
    elif value is not False:
        report(
            f"properties.properties.enableNodePublicIp is {show_value(value)}; set it to false so nodes are "
            "reachable only inside the workspace's network"
        )


def _no_public_login(args: ResourceValidationArgs, report: ReportViolation) -> None:
    kind = get(args.props, "properties", "computeType")
    if kind is UNKNOWN or not same(kind, "AmlCompute"):
        return  # the node public IP check notes an unknown type already
    value = get(args.props, "properties", "properties", "remoteLoginPortPublicAccess")
    if value is UNKNOWN:
        known_after_apply("properties.properties.remoteLoginPortPublicAccess")
    elif value is MISSING or not same(value, "Disabled"):
        state = "not set" if value is MISSING else show_value(value)
        report(
            f"properties.properties.remoteLoginPortPublicAccess is {state}; set it to Disabled so the nodes' SSH "
            "port is not open to the internet"
        )


def _approved_outbound(args: ResourceValidationArgs, report: ReportViolation) -> None:
    mode = get(args.props, "managedNetwork", "isolationMode")
    if mode is UNKNOWN:
        known_after_apply("managedNetwork.isolationMode")
    elif mode is MISSING:
        report(
            f"managedNetwork.isolationMode is not set, so compute reaches any address on the internet; "
            f"set it to {APPROVED_OUTBOUND}"
        )
    elif not same(mode, APPROVED_OUTBOUND):
        report(
            f"managedNetwork.isolationMode is {show_value(mode)}; set it to {APPROVED_OUTBOUND} so compute "
            "reaches only the destinations its outbound rules approve"
        )


NO_NODE_PUBLIC_IP = resource_rule(
    "compute-no-node-public-ip",
    "Compute cluster nodes have no public IP addresses.",
    ADVISORY,
    [ML_COMPUTE],
    _no_node_public_ip,
)
NO_PUBLIC_LOGIN = resource_rule(
    "compute-no-public-ssh",
    "Compute cluster nodes do not open their SSH port to the internet.",
    MANDATORY,
    [ML_COMPUTE],
    _no_public_login,
)
APPROVED_OUTBOUND_ONLY = resource_rule(
    "workspace-managed-network-isolation",
    "Workspaces run in a managed network that allows only approved outbound traffic.",
    ADVISORY,
    [ML_WORKSPACE],
    _approved_outbound,
)

RULES = [NO_NODE_PUBLIC_IP, NO_PUBLIC_LOGIN, APPROVED_OUTBOUND_ONLY]
