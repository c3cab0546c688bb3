"""Stack config for the retraining tests: the dev stack as written, and variants of its retraining blocks."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from stacks.load import PROJECT_DIR, parse_config, raw_from_stack_file
from stacks.model import PlatformConfig

# Where the dev stack's retraining jobs sit (tenant index, workspace index).
TENANT1, TENANT4 = 0, 3


@pytest.fixture(scope="session")
def dev_stack_raw() -> dict[str, Any]:
    return raw_from_stack_file(PROJECT_DIR / "Pulumi.dev.yaml")


@pytest.fixture(scope="session")
def dev_cfg(dev_stack_raw) -> PlatformConfig:
    return parse_config(copy.deepcopy(dev_stack_raw), environment="dev")


@pytest.fixture
def dev_with(dev_stack_raw) -> Callable[..., PlatformConfig]:
    """The dev stack with one retraining block changed: ``dev_with(TENANT1, schedule={...})``.

    Keys are the config's own (camelCase); a value of None removes the key.
    """

    def build(tenant: int = TENANT1, job: int = 0, **changes: Any) -> PlatformConfig:
        raw = copy.deepcopy(dev_stack_raw)
        block = raw["tenants"][tenant]["workspaces"][0]["retraining"][job]
        for key, value in changes.items():
            if value is None:
                block.pop(key, None)
            else:
                block[key] = value
        return parse_config(raw, environment="dev")

    return build
