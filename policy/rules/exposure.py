"""Public network access of the resources behind a private workspace: storage, key vault,
container registry, Log Analytics and Application Insights.

Azure's default for each is public, so an absent value is a violation. Storage and key vaults also
keep their firewall at Deny, and container registries refuse anonymous pulls. The rules are advisory
by default and mandatory in a private stack's pack config (``policy/config/prod.json``).
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import ADVISORY, MANDATORY, resource_rule
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import APP_INSIGHTS, CONTAINER_REGISTRY, KEY_VAULT, LOG_ANALYTICS, STORAGE_ACCOUNT
from policy.rules.values import MISSING, UNKNOWN, get, same, show_value


def check_disabled(args: ResourceValidationArgs, report: ReportViolation, *path: str, then: str) -> None:
    where = ".".join(path)
    value = get(args.props, *path)
    if value is UNKNOWN:
        known_after_apply(where)
    elif value is MISSING:
        report(f"{where} is not set, and Azure's default is Enabled; set it to Disabled and {then}")
    elif not same(value, "Disabled"):
        report(f"{where} is {show_value(value)}; set it to Disabled and {then}")


_ENDPOINTS = "use private endpoints"
_SCOPE = "use an Azure Monitor private link scope"


def check_firewall(args: ResourceValidationArgs, report: ReportViolation, *path: str) -> None:
    """The firewall behind public access: should public access be turned back on, it still denies."""
    where = ".".join((*path, "defaultAction"))
    value = get(args.props, *path, "defaultAction")
    if value is UNKNOWN:
        known_after_apply(where)
    elif value is MISSING:
        report(f"{where} is not set, and Azure's default is Allow; set it to Deny so only private endpoints "
               "and trusted Azure services get in")
    elif not same(value, "Deny"):
        report(f"{where} is {show_value(value)}; set it to Deny so only private endpoints and trusted Azure "
               "services get in")


def _storage(args: ResourceValidationArgs, report: ReportViolation) -> None:
    check_disabled(args, report, "publicNetworkAccess", then=_ENDPOINTS)
    check_firewall(args, report, "networkRuleSet")


def _key_vault(args: ResourceValidationArgs, report: ReportViolation) -> None:
    check_disabled(args, report, "properties", "publicNetworkAccess", then=_ENDPOINTS)
    check_firewall(args, report, "properties", "networkAcls")


def _container_registry(args: ResourceValidationArgs, report: ReportViolation) -> None:
    check_disabled(args, report, "publicNetworkAccess", then=_ENDPOINTS)
    anonymous = get(args.props, "anonymousPullEnabled")
    if anonymous is UNKNOWN:
        known_after_apply("anonymousPullEnabled")
    elif anonymous is not MISSING and anonymous is not False:
        report(f"anonymousPullEnabled is {show_value(anonymous)}; anyone who reaches the registry could pull images")


def _cross_tenant_replication(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "allowCrossTenantReplication")
    if value is UNKNOWN:
        known_after_apply("allowCrossTenantReplication")
    elif value is not MISSING and value is not False:
        report(f"allowCrossTenantReplication is {show_value(value)}; object replication could copy tenant data "
               "to a storage account in another Entra tenant")


def _monitoring(args: ResourceValidationArgs, report: ReportViolation) -> None:
    check_disabled(args, report, "publicNetworkAccessForIngestion", then=_SCOPE)
    check_disabled(args, report, "publicNetworkAccessForQuery", then=_SCOPE)


STORAGE = resource_rule(
    "storage-public-network-access",
    "Storage accounts are reachable through private endpoints only.",
    ADVISORY,
    [STORAGE_ACCOUNT],
    _storage,
)
KEY_VAULT_ACCESS = resource_rule(
    "key-vault-public-network-access",
    "Key vaults are reachable through private endpoints only.",
    ADVISORY,
    [KEY_VAULT],
    _key_vault,
)
CONTAINER_REGISTRY_ACCESS = resource_rule(
    "container-registry-public-network-access",
    "Container registries are reachable through private endpoints only.",
    ADVISORY,
    [CONTAINER_REGISTRY],
    _container_registry,
)
LOG_ANALYTICS_ACCESS = resource_rule(
    "log-analytics-public-network-access",
    "Log Analytics workspaces take ingestion and queries through a private link scope only.",
    ADVISORY,
    [LOG_ANALYTICS],
    _monitoring,
)
APP_INSIGHTS_ACCESS = resource_rule(
    "app-insights-public-network-access",
    "Application Insights takes ingestion and queries through a private link scope only.",
    ADVISORY,
    [APP_INSIGHTS],
    _monitoring,
)

CROSS_TENANT_REPLICATION = resource_rule(
    "storage-no-cross-tenant-replication",
    "Storage accounts do not replicate objects to other Entra tenants.",
    MANDATORY,
    [STORAGE_ACCOUNT],
    _cross_tenant_replication,
)

RULES = [
    STORAGE,
    KEY_VAULT_ACCESS,
    CONTAINER_REGISTRY_ACCESS,
    LOG_ANALYTICS_ACCESS,
    APP_INSIGHTS_ACCESS,
    CROSS_TENANT_REPLICATION,
]
