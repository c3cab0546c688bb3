"""Resource logs to the platform's central Log Analytics workspace.

Every tenant resource sends its audit logs to the central workspace, so the platform answers
"who read or changed what, in which tenant" with one query; the workspace allows resource-context
access, so a tenant reads its own resources' logs there without seeing other tenants'.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import monitor

from components.lifecycle import resource_options

# What each kind of resource logs; the categories are the ones Azure documents for each type.
WORKSPACE_CATEGORY_GROUPS = ("audit",)
KEY_VAULT_CATEGORIES = ("AuditEvent",)
BLOB_CATEGORIES = ("StorageRead", "StorageWrite", "StorageDelete")
CONTAINER_REGISTRY_CATEGORIES = ("ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents")


def setting_name(log_analytics_name: str) -> str:
    return f"audit-to-{log_analytics_name}"


def audit_logs(
    logical_name: str,
    *,
    resource_uri: pulumi.Input[str],
    workspace_id: pulumi.Input[str],
    log_analytics_name: str,
    parent: pulumi.Resource,
    provider: pulumi.ProviderResource,
    depends_on: Sequence[pulumi.Resource],
    categories: Sequence[str] = (),
    category_groups: Sequence[str] = (),
) -> monitor.DiagnosticSetting:
    logs = [monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in categories]
    logs += [monitor.DiagnosticsLogSettingsArgs(category_group=g, enabled=True) for g in category_groups]
    return monitor.DiagnosticSetting(
        logical_name,
        name=setting_name(log_analytics_name),
        resource_uri=resource_uri,
        workspace_id=workspace_id,
        log_analytics_destination_type="Dedicated",
        logs=logs,
        # Never retained: a handed-over tenant's logs stop flowing to the platform with the setting.
        opts=resource_options(provider, parent, depends_on=list(depends_on)),
    )
