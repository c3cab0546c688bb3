"""Every workspace, ML registry, key vault, container registry and storage blob service sends its
audit logs to a Log Analytics workspace, so "who read or changed what" has an answer.

A diagnostic setting counts when it names a Log Analytics workspace and enables the audit
categories of its resource type (or the ``audit`` / ``allLogs`` category group that holds them).
Storage logs live on the blob service (``<account id>/blobServices/default``), not the account.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pulumi_policy import PolicyResource, ReportViolation, StackValidationArgs

from policy.rules.define import MANDATORY, stack_rule
from policy.rules.links import BLOB_SERVICE_SUFFIX, BlobServices, Reference, label, of_type, own_id, reference
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import (
    BLOB_SERVICE,
    CONTAINER_REGISTRY,
    DIAGNOSTIC_SETTING,
    KEY_VAULT,
    ML_REGISTRY,
    ML_WORKSPACE,
    STORAGE_ACCOUNT,
)
from policy.rules.values import MISSING, UNKNOWN, elements, get, text

_SETTING_OF = "/providers/microsoft.insights/diagnosticsettings/"


@dataclass(frozen=True)
class Audited:
    kind: str  # how messages name the resource
    name_input: str
    categories: tuple[str, ...]  # every one of these, enabled
    groups: tuple[str, ...]  # or one of these category groups


AUDITED: dict[str, Audited] = {
    ML_WORKSPACE: Audited("ML workspace", "workspaceName", (), ("audit", "allLogs")),
    ML_REGISTRY: Audited(
        "ML registry", "registryName", ("RegistryAssetReadEvent", "RegistryAssetWriteEvent"), ("allLogs",)
    ),
    KEY_VAULT: Audited("key vault", "vaultName", ("AuditEvent",), ("audit", "allLogs")),
    CONTAINER_REGISTRY: Audited(
        "container registry", "registryName",
        ("ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"), ("allLogs",),
    ),
    STORAGE_ACCOUNT: Audited(
        "storage account", "accountName", ("StorageRead", "StorageWrite", "StorageDelete"), ("allLogs",)
    ),
}


def _settings(resources: list[PolicyResource]) -> Iterator[tuple[PolicyResource, Reference]]:
    for setting in of_type(resources, DIAGNOSTIC_SETTING):
        yield setting, reference(
            setting, "resourceUri", get(setting.props, "resourceUri"), parent_of_own_id=_SETTING_OF
        )


class _Settings:
    """Diagnostic settings indexed by the resource id they name, and by the resources they depend on
    (what names the target while ids are unknown), so each audited resource finds its own at once."""

    def __init__(self, resources: list[PolicyResource]) -> None:
        self.by_value: dict[str, list[PolicyResource]] = {}
        self.valued_by_source: dict[str, list[PolicyResource]] = {}
        self.unvalued_by_source: dict[str, list[PolicyResource]] = {}
        for setting, ref in _settings(resources):
            if ref.value is not None:
                self.by_value.setdefault(ref.value, []).append(setting)
                index = self.valued_by_source
            else:
                index = self.unvalued_by_source
            for urn in ref.sources:
                index.setdefault(urn, []).append(setting)

    def of(self, target: PolicyResource, suffix: str = "", via: set[str] | None = None) -> list[PolicyResource]:
        """Settings naming ``target`` (``suffix``: a child id segment such as the blob service); a setting
        whose resource id is unknown counts when it depends on ``via`` (default: the target itself)."""
        target_id = own_id(target)
        found = (
            self.by_value.get(target_id + suffix.lower(), []) if target_id is not None
            else self.valued_by_source.get(target.urn, [])
        )
        unvalued = [s for urn in sorted(via if via is not None else {target.urn})
                    for s in self.unvalued_by_source.get(urn, [])]
        return list(dict.fromkeys([*found, *unvalued]))


def _covers(setting: PolicyResource, audited: Audited) -> bool | None:
    """Whether the setting sends the audit categories to Log Analytics; None if not known yet."""
    if get(setting.props, "workspaceId") is MISSING:
        return False
    logs = get(setting.props, "logs")
    if logs is UNKNOWN:
        return None
    enabled_categories, enabled_groups = set(), set()
    uncertain = False
    for log in elements(logs):
        enabled, category, group = (get(log, key) for key in ("enabled", "category", "categoryGroup"))
        if UNKNOWN in (log, enabled, category, group):
            uncertain = True
        if enabled is not True:
            continue
        if category := text(category):
            enabled_categories.add(category.lower())
        if group := text(group):
            enabled_groups.add(group.lower())
    if any(g.lower() in enabled_groups for g in audited.groups):
        return True
    if audited.categories and all(c.lower() in enabled_categories for c in audited.categories):
        return True
    return None if uncertain else False


def _present(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    settings = _Settings(resources)
    services = BlobServices(resources, BLOB_SERVICE)
    for resource_type, audited in AUDITED.items():
        for target in of_type(resources, resource_type):
            if resource_type == STORAGE_ACCOUNT:
                mine = settings.of(target, BLOB_SERVICE_SUFFIX, via={s.urn for s in services.of(target)})
            else:
                mine = settings.of(target)
            verdicts = [_covers(s, audited) for s in mine]
            if True in verdicts:
                continue
            if None in verdicts:
                known_after_apply("logs of its diagnostic setting", target.urn)
                continue
            what = (
                "audit logs (category group audit)" if not audited.categories
                else f"{', '.join(audited.categories)} logs"
            )
            where = " of its blob service" if resource_type == STORAGE_ACCOUNT else ""
            report(
                f"{audited.kind} {label(target, audited.name_input)} has no diagnostic setting{where} sending "
                f"{what} to a Log Analytics workspace, so nobody can tell who read or changed it",
                target.urn,
            )


PRESENT = stack_rule(
    "diagnostic-settings-present",
    "Workspaces, ML registries, key vaults, container registries and storage blob services send audit logs "
    "to Log Analytics.",
    MANDATORY,
    _present,
)

RULES = [PRESENT]
