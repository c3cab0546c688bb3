"""Resource names derived from stable keys.

Names that Azure requires to be globally unique carry a short hash of stable inputs
(subscription, tenant key, workspace key, environment), so the same config always yields
the same names and two deployments of this project do not collide.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

# Fixed namespace so role assignment names are stable across machines and runs.
ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("6f1c1f0e-3b8a-5d1e-9a63-2f8c4e7d5b10")


def short_hash(*parts: str, length: int = 8) -> str:
    digest = hashlib.sha256("/".join(parts).lower().encode()).hexdigest()
    return digest[:length]


def _alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def role_assignment_name(scope: str, principal: str, role_guid: str) -> str:
    return str(uuid.uuid5(ROLE_ASSIGNMENT_NAMESPACE, f"{scope.lower()}|{principal.lower()}|{role_guid}"))


@dataclass(frozen=True)
class NameRule:
    """One Azure naming rule, checked on given and derived names alike."""

    what: str
    pattern: re.Pattern[str]
    min_len: int
    max_len: int
    allowed: str
    extra: tuple[tuple[re.Pattern[str], str], ...] = ()

    def problems(self, name: str) -> list[str]:
        if not name:
            return [f"{self.what} name is empty; allowed: {self.min_len}-{self.max_len} characters, {self.allowed}"]
        issues = []
        if not self.min_len <= len(name) <= self.max_len:
            issues.append(
                f"{self.what} name '{name}' is {len(name)} character{'s' if len(name) != 1 else ''} long; "
                f"allowed {self.min_len}-{self.max_len}"
            )
        # The patterns leave length to the check above: a name that is only too short gets one message.
        if not self.pattern.fullmatch(name):
            issues.append(f"{self.what} name '{name}' is not allowed; allowed: {self.allowed}")
        issues.extend(
            f"{self.what} name '{name}' {message}" for bad, message in self.extra if bad.search(name)
        )
        return issues


REGISTRY_NAME = NameRule(
    "registry", re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*"), 3, 32,
    "letters, digits, '_' and '-', starting with a letter or digit",
)
WORKSPACE_NAME = NameRule(
    "workspace", re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*"), 3, 33,
    "letters, digits, '_' and '-', starting with a letter or digit",
)
RESOURCE_GROUP_NAME = NameRule(
    "resource group", re.compile(r"[-\w.()]*[-\w()]"), 1, 90,
    "letters, digits, '_', '-', '.', '(' and ')', not ending in '.'",
)
COMPUTE_NAME = NameRule(
    "compute", re.compile(r"[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?"), 2, 16,
    "letters, digits and '-', starting with a letter and ending with a letter or digit",
)
STORAGE_ACCOUNT_NAME = NameRule(
    "storage account", re.compile(r"[a-z0-9]+"), 3, 24, "lowercase letters and digits only"
)
KEY_VAULT_NAME = NameRule(
    "key vault", re.compile(r"[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?"), 3, 24,
    "letters, digits and '-', starting with a letter, ending with a letter or digit",
    extra=((re.compile(r"--"), "contains '--', which Azure rejects"),),
)
CONTAINER_REGISTRY_NAME = NameRule(
    "container registry", re.compile(r"[A-Za-z0-9]+"), 5, 50, "letters and digits only"
)
ENDPOINT_NAME = NameRule(
    "endpoint", re.compile(r"[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?"), 3, 32,
    "letters, digits and '-', starting with a letter and ending with a letter or digit",
)


@dataclass(frozen=True)
class WorkspaceNames:
    """Every name of one tenant workspace and its dependencies."""

    resource_group: str
    workspace: str
    storage_account: str
    key_vault: str
    container_registry: str
    log_analytics: str
    app_insights: str

    @classmethod
    def derive(
        cls,
        *,
        environment: str,
        tenant: str,
        workspace: str,
        subscription_id: str,
        resource_group: str | None = None,
        name: str | None = None,
    ) -> WorkspaceNames:
        h = short_hash(subscription_id, tenant, workspace, environment)
        slug = _alnum(f"{tenant}{workspace}")
        return cls(
            resource_group=resource_group or f"rg-ml-{tenant}-{workspace}-{environment}",
            workspace=name or f"mlw-{tenant}-{workspace}-{environment}",
            storage_account=f"st{slug[:14]}{h}",
            key_vault=f"kv-{slug[:12]}-{h}",
            container_registry=f"cr{slug[:30]}{h}",
            log_analytics=f"log-{tenant}-{workspace}-{environment}",
            app_insights=f"appi-{tenant}-{workspace}-{environment}",
        )

    def problems(self) -> dict[str, list[str]]:
        """Naming problems keyed by the config field a user would change."""
        return {
            "resourceGroup": RESOURCE_GROUP_NAME.problems(self.resource_group),
            "name": WORKSPACE_NAME.problems(self.workspace),
            "key": [
                *STORAGE_ACCOUNT_NAME.problems(self.storage_account),
                *KEY_VAULT_NAME.problems(self.key_vault),
                *CONTAINER_REGISTRY_NAME.problems(self.container_registry),
            ],
        }


def log_analytics_name(registry_name: str) -> str:
    return f"log-{registry_name}"
