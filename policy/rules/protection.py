"""Stateful resources are protected, so no preview can plan their deletion.

Losing the registry loses every shared asset version for good (versions cannot be recreated);
losing a workspace, its storage or its key vault loses a tenant's data and secrets.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import MANDATORY, resource_rule
from policy.rules.resource_types import KEY_VAULT, ML_REGISTRY, ML_WORKSPACE, STORAGE_ACCOUNT

STATEFUL_TYPES = (ML_REGISTRY, ML_WORKSPACE, STORAGE_ACCOUNT, KEY_VAULT)


def _protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not args.opts.protect:
        report("holds state that cannot be recreated; register it with protect=True")


PROTECTED = resource_rule(
    "stateful-resources-protected",
    "The ML registry, ML workspaces, storage accounts and key vaults are protected from deletion.",
    MANDATORY,
    STATEFUL_TYPES,
    _protected,
)

RULES = [PROTECTED]
