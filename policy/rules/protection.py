"""Stateful resources are protected, so no preview can plan their deletion.

Losing the registry loses every shared asset version for good (versions cannot be recreated);
losing a workspace, its storage or its key vault loses a tenant's data and secrets.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import MANDATORY, resource_rule
from policy.rules.resource_types import KEY_VAULT, ML_REGISTRY, ML_WORKSPACE, STORAGE_ACCOUNT
from policy.rules.values import MISSING, UNKNOWN, get

STATEFUL_TYPES = (ML_REGISTRY, ML_WORKSPACE, STORAGE_ACCOUNT, KEY_VAULT)


# Set by the program on every resource of a tenant being offboarded (stacks.offboarding.OFFBOARDING_TAG):
# protection is lifted on purpose, for one `pulumi up`, before the tenant's block is removed.
OFFBOARDING_TAG, OFFBOARDING_MODES = "offboarding", ("handover", "delete")


def _protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    tags = get(args.props, "tags")
    leaving = tags not in (MISSING, UNKNOWN) and get(tags, OFFBOARDING_TAG) in OFFBOARDING_MODES
    if not args.opts.protect and not leaving:
        report("holds state that cannot be recreated; register it with protect=True "
               "(or mark its tenant with offboarding: handover|delete to take it off the platform)")


PROTECTED = resource_rule(
    "stateful-resources-protected",
    "The ML registry, ML workspaces, storage accounts and key vaults are protected from deletion.",
    MANDATORY,
    STATEFUL_TYPES,
    _protected,
)

RULES = [PROTECTED]
