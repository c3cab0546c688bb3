"""Key vault rules: soft delete, purge protection and RBAC authorization."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import MANDATORY, resource_rule
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import KEY_VAULT
from policy.rules.values import MISSING, UNKNOWN, get, show_value


def _require_true(args: ResourceValidationArgs, report: ReportViolation, name: str, *, default: bool, why: str) -> None:
    value = get(args.props, "properties", name)
    if value is UNKNOWN:
        known_after_apply(f"properties.{name}")
    elif value is MISSING:
        if not default:
            report(f"properties.{name} is not set, and Azure's default is false; {why}")
    elif value is not True:
        report(f"properties.{name} is {show_value(value)}; {why}")


def _soft_delete(args: ResourceValidationArgs, report: ReportViolation) -> None:
    _require_true(args, report, "enableSoftDelete", default=True, why="deleted secrets must stay recoverable")


def _purge_protection(args: ResourceValidationArgs, report: ReportViolation) -> None:
    _require_true(
        args,
        report,
        "enablePurgeProtection",
        default=False,
        why="set it to true so nobody can purge the vault before its retention ends",
    )


def _rbac_authorization(args: ResourceValidationArgs, report: ReportViolation) -> None:
    _require_true(
        args,
        report,
        "enableRbacAuthorization",
        default=False,
        why="set it to true so access is granted by role assignments, not access policies",
    )


SOFT_DELETE = resource_rule(
    "key-vault-soft-delete",
    "Key vaults keep soft delete on.",
    MANDATORY,
    [KEY_VAULT],
    _soft_delete,
)
PURGE_PROTECTION = resource_rule(
    "key-vault-purge-protection",
    "Key vaults have purge protection.",
    MANDATORY,
    [KEY_VAULT],
    _purge_protection,
)
RBAC_AUTHORIZATION = resource_rule(
    "key-vault-rbac-authorization",
    "Key vaults authorize with Azure RBAC.",
    MANDATORY,
    [KEY_VAULT],
    _rbac_authorization,
)

RULES = [SOFT_DELETE, PURGE_PROTECTION, RBAC_AUTHORIZATION]
