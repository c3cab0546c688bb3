"""A valid stack config as a user writes it, and small edits that break one thing at a time."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stacks.errors import ConfigError, Problem
from stacks.load import parse_config
from stacks.model import PlatformConfig

Raw = dict[str, Any]
Edit = Callable[[Raw], None]

ENTRA = "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11"
OTHER_ENTRA = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SUB_PLATFORM = "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01"
SUB_A = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"
SUB_B = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"
OWNER = "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01"
GROUP_1 = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a01"
USER_1 = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a02"
GROUP_2 = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4b01"

# Pydantic's wording, which names neither the config key nor what would have been accepted.
JARGON = re.compile(
    r"Input should|instance of|should have at least|String should|Value error|Field required|validation error"
)

CATALOG_FILES = ("catalog/environments/sklearn.yml", "catalog/components/train.yml")


def valid_raw() -> Raw:
    """Two tenants in two regions, one workspace each, a share, a push and a pull."""
    return copy.deepcopy(
        {
            "entraTenantId": ENTRA,
            "registry": {
                "name": "mlreg-dev",
                "subscriptionId": SUB_PLATFORM,
                "resourceGroup": "rg-mlreg-dev",
                "primaryRegion": "westeurope",
                "additionalRegions": ["northeurope"],
                "publicNetworkAccess": "Enabled",
                "owner": {"objectId": OWNER, "type": "ServicePrincipal", "label": "sp-ml-platform"},
            },
            "tenants": [
                {
                    "key": "tenant1",
                    "displayName": "Contoso Credit",
                    "members": [
                        {"objectId": GROUP_1, "type": "Group", "roles": ["dataScientist", "registryUser"]},
                        {"objectId": USER_1, "type": "User", "roles": ["computeOperator"]},
                    ],
                    "ownerAccess": ["subscription", "workspace"],
                    "workspaces": [
                        {
                            "key": "ws1",
                            "subscriptionId": SUB_A,
                            "region": "westeurope",
                            "compute": {"name": "cpu-cluster", "vmSize": "Standard_DS3_v2", "minNodes": 0,
                                        "maxNodes": 4},
                        }
                    ],
                },
                {
                    "key": "tenant2",
                    "members": [{"objectId": GROUP_2, "type": "Group", "roles": ["dataScientist"]}],
                    "workspaces": [{"key": "ws1", "subscriptionId": SUB_B, "region": "northeurope"}],
                },
            ],
            "catalog": {"environments": [CATALOG_FILES[0]], "components": [CATALOG_FILES[1]]},
            "sharing": {
                "share": [{"from": "tenant1/ws1", "model": "credit-card-default", "version": "1"}],
                "push": [
                    {
                        "model": "credit-card-default",
                        "version": "1",
                        "to": ["tenant2/ws1"],
                        "endpoint": {"kind": "online", "name": "credit-default",
                                     "instanceType": "Standard_DS3_v2", "instanceCount": 1},
                    }
                ],
                "pull": [{"environment": "sklearn-env", "version": "1", "into": ["tenant2/ws1"]}],
            },
        }
    )


def make_project(root: Path) -> Path:
    for rel in CATALOG_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n")
    return root


# --- edits, addressed by the same paths the error messages use ---------------------------------


def _parts(path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]


def locate(raw: Raw, path: str) -> tuple[Any, str | int]:
    """The container holding the last part of ``path``, and that part."""
    *parents, last = _parts(path)
    node: Any = raw
    for part in parents:
        node = node[part]
    return node, last


def set_(path: str, value: Any) -> Edit:
    def edit(raw: Raw) -> None:
        node, last = locate(raw, path)
        node[last] = copy.deepcopy(value)

    return edit


def drop(path: str) -> Edit:
    def edit(raw: Raw) -> None:
        node, last = locate(raw, path)
        del node[last]

    return edit


def rename(path: str, new_key: str) -> Edit:
    def edit(raw: Raw) -> None:
        node, last = locate(raw, path)
        node[new_key] = node.pop(last)

    return edit


def append(path: str, value: Any) -> Edit:
    def edit(raw: Raw) -> None:
        node, last = locate(raw, path)
        node[last].append(copy.deepcopy(value))

    return edit


def copy_to(source: str, target_list: str) -> Edit:
    """Append a copy of the block at ``source`` to the list at ``target_list``."""

    def edit(raw: Raw) -> None:
        node, last = locate(raw, source)
        append(target_list, node[last])(raw)

    return edit


def tenant(key: str, *, workspace: str = "ws1", region: str = "westeurope", **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "workspaces": [{"key": workspace, "subscriptionId": SUB_A, "region": region}],
        **extra,
    }


def edited(*edits: Edit) -> Raw:
    raw = valid_raw()
    for edit in edits:
        edit(raw)
    return raw


# --- parsing ----------------------------------------------------------------------------------


def parse(raw: Raw, project_dir: Path, environment: str = "dev") -> PlatformConfig:
    return parse_config(raw, environment=environment, project_dir=project_dir, source="Pulumi.dev.yaml")


def problems_of(raw: Raw, project_dir: Path, environment: str = "dev") -> tuple[Problem, ...]:
    try:
        parse(raw, project_dir, environment)
    except ConfigError as error:
        return error.problems
    raise AssertionError("the config was accepted; expected a ConfigError")
