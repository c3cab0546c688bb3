"""Application Insights and Log Analytics: Entra ID authentication only."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import ADVISORY, resource_rule
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import APP_INSIGHTS, LOG_ANALYTICS
from policy.rules.values import MISSING, UNKNOWN, get, show_value


def _check_disabled(args: ResourceValidationArgs, report: ReportViolation, *path: str) -> None:
    where = ".".join(path)
    value = get(args.props, *path)
    if value is UNKNOWN:
        known_after_apply(where)
    elif value is MISSING:
        report(f"{where} is not set, so shared keys still authenticate; set it to true")
    elif value is not True:
        report(f"{where} is {show_value(value)}; set it to true so only Entra ID is accepted")


def _app_insights(args: ResourceValidationArgs, report: ReportViolation) -> None:
    _check_disabled(args, report, "disableLocalAuth")


def _log_analytics(args: ResourceValidationArgs, report: ReportViolation) -> None:
    _check_disabled(args, report, "features", "disableLocalAuth")


APP_INSIGHTS_LOCAL_AUTH_DISABLED = resource_rule(
    "app-insights-local-auth-disabled",
    "Application Insights accepts Entra ID authentication only.",
    ADVISORY,
    [APP_INSIGHTS],
    _app_insights,
)
LOG_ANALYTICS_LOCAL_AUTH_DISABLED = resource_rule(
    "log-analytics-local-auth-disabled",
    "Log Analytics workspaces accept Entra ID authentication only.",
    ADVISORY,
    [LOG_ANALYTICS],
    _log_analytics,
)

RULES = [APP_INSIGHTS_LOCAL_AUTH_DISABLED, LOG_ANALYTICS_LOCAL_AUTH_DISABLED]
