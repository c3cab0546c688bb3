"""Storage account rules: TLS 1.2, HTTPS only, no public blobs, no shared keys.

An absent property takes the service default of the storage API version azure-native v3
uses: HTTPS-only and no public blob access are the defaults, a minimum TLS version and a
ban on shared keys are not.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import ADVISORY, MANDATORY, resource_rule
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import STORAGE_ACCOUNT
from policy.rules.values import MISSING, UNKNOWN, get, show_value

_TLS_VERSIONS = ("TLS1_2", "TLS1_3")


def _tls_1_2(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "minimumTlsVersion")
    if value is UNKNOWN:
        known_after_apply("minimumTlsVersion")
    elif value is MISSING:
        report("minimumTlsVersion is not set, and Azure then accepts TLS 1.0; set it to TLS1_2")
    elif value not in _TLS_VERSIONS:
        report(f"minimumTlsVersion is {show_value(value)}; set it to TLS1_2")


def _https_only(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "enableHttpsTrafficOnly")
    if value is UNKNOWN:
        known_after_apply("enableHttpsTrafficOnly")
    elif value is not MISSING and value is not True:
        report(f"enableHttpsTrafficOnly is {show_value(value)}; storage must refuse plain HTTP")


def _no_public_blob_access(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "allowBlobPublicAccess")
    if value is UNKNOWN:
        known_after_apply("allowBlobPublicAccess")
    elif value is not MISSING and value is not False:
        report(f"allowBlobPublicAccess is {show_value(value)}; containers must not be readable anonymously")


def _no_shared_key_access(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "allowSharedKeyAccess")
    if value is UNKNOWN:
        known_after_apply("allowSharedKeyAccess")
    elif value is MISSING:
        report("allowSharedKeyAccess is not set, and Azure then accepts account keys; set it to false")
    elif value is not False:
        report(f"allowSharedKeyAccess is {show_value(value)}; set it to false so only Entra ID is accepted")


TLS_1_2 = resource_rule(
    "storage-minimum-tls-1-2",
    "Storage accounts require TLS 1.2 or later.",
    MANDATORY,
    [STORAGE_ACCOUNT],
    _tls_1_2,
)
HTTPS_ONLY = resource_rule(
    "storage-https-only",
    "Storage accounts accept HTTPS only.",
    MANDATORY,
    [STORAGE_ACCOUNT],
    _https_only,
)
NO_PUBLIC_BLOB_ACCESS = resource_rule(
    "storage-no-public-blob-access",
    "Storage accounts do not allow anonymous blob access.",
    MANDATORY,
    [STORAGE_ACCOUNT],
    _no_public_blob_access,
)
NO_SHARED_KEY_ACCESS = resource_rule(
    "storage-no-shared-key-access",
    "Storage accounts accept Entra ID only, not account keys.",
    ADVISORY,
    [STORAGE_ACCOUNT],
    _no_shared_key_access,
)

RULES = [TLS_1_2, HTTPS_ONLY, NO_PUBLIC_BLOB_ACCESS, NO_SHARED_KEY_ACCESS]
