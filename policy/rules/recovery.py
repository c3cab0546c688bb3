"""Storage accounts keep deleted blobs and containers recoverable (soft delete).

Both are off unless the account's blob service turns them on, so a storage account without
blob service properties in the stack is a violation too.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, StackValidationArgs

from policy.rules.define import ADVISORY, MANDATORY, stack_rule
from policy.rules.links import BlobServices, label, of_type
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import BLOB_SERVICE, STORAGE_ACCOUNT
from policy.rules.values import UNKNOWN, get, show_value

# Less than a week rarely outlasts the time it takes to notice a deletion.
MINIMUM_DAYS = 7
_POLICIES = (("deleteRetentionPolicy", "blob soft delete"), ("containerDeleteRetentionPolicy", "container soft delete"))


def _soft_delete(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    services = BlobServices(resources, BLOB_SERVICE)
    for account in of_type(resources, STORAGE_ACCOUNT):
        name = label(account, "accountName")
        mine = services.of(account)
        if not mine:
            report(
                f"storage account {name} has no blob service properties, so blob and container soft delete "
                "are off; deleted data cannot be recovered",
                account.urn,
            )
            continue
        for prop, what in _POLICIES:
            enabled = get(mine[0].props, prop, "enabled")
            days = get(mine[0].props, prop, "days")
            if enabled is UNKNOWN:
                known_after_apply(f"{prop}.enabled", account.urn)
            elif enabled is True and isinstance(days, int | float) and days < MINIMUM_DAYS:
                report(
                    f"storage account {name}: {prop}.days is {show_value(days)}, so {what} keeps deleted data for "
                    f"less than {MINIMUM_DAYS} days; keep it at least {MINIMUM_DAYS}",
                    account.urn,
                )
            elif enabled is not True:
                state = show_value(enabled) if isinstance(enabled, bool) else "not set"
                report(
                    f"storage account {name}: {prop}.enabled is {state}, so {what} is off; set it to true "
                    "with a retention in days",
                    account.urn,
                )


def _versioning(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    services = BlobServices(resources, BLOB_SERVICE)
    for account in of_type(resources, STORAGE_ACCOUNT):
        mine = services.of(account)
        if not mine:
            continue  # storage-soft-delete reports the missing blob service
        value = get(mine[0].props, "isVersioningEnabled")
        if value is UNKNOWN:
            known_after_apply("isVersioningEnabled", account.urn)
        elif value is not True:
            state = show_value(value) if isinstance(value, bool) else "not set"
            report(
                f"storage account {label(account, 'accountName')}: isVersioningEnabled is {state}, so an "
                "overwritten blob cannot be restored; set it to true",
                account.urn,
            )


SOFT_DELETE = stack_rule(
    "storage-soft-delete",
    "Storage accounts have blob and container soft delete on.",
    MANDATORY,
    _soft_delete,
)

VERSIONING = stack_rule(
    "storage-blob-versioning",
    "Storage accounts keep previous versions of overwritten blobs.",
    ADVISORY,
    _versioning,
)

RULES = [SOFT_DELETE, VERSIONING]
