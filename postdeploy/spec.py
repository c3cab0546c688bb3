"""What a kind of operation is made of, and the desired state every kind reads from.

A kind is data plus four functions (see ``postdeploy.plan`` for the extension point). Specs --
the desired items a kind derives from the stack -- are frozen dataclasses that carry at least
``target``, ``subject``, ``provides`` and ``requires``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from postdeploy.catalog import Catalog, load_catalog
from postdeploy.targets import StackTargets, Target, derive_targets
from stacks.model import PlatformConfig

if TYPE_CHECKING:
    from postdeploy.plan import Action, Operation
    from postdeploy.session import Session


class Spec(Protocol):
    """What every kind's desired item exposes to the planner."""

    @property
    def target(self) -> Target: ...

    @property
    def subject(self) -> str: ...

    @property
    def provides(self) -> tuple[str, ...]: ...

    @property
    def requires(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class StackContext:
    """Everything desired: the validated config, where things live, and the loaded catalog."""

    config: PlatformConfig
    targets: StackTargets
    catalog: Catalog
    project_dir: Path


@dataclass(frozen=True)
class Kind:
    name: str
    phase: int
    specs: Callable[[StackContext], Iterable[Any]]
    offline: Callable[[Any, frozenset[str] | set[str]], tuple[Action, str]]
    inspect: Callable[[Any, Session], Operation]
    execute: Callable[[Operation, Session], str]


def stack_context(
    cfg: PlatformConfig, targets: StackTargets | None = None, project_dir: Path | None = None
) -> StackContext:
    from stacks.load import PROJECT_DIR

    project_dir = project_dir or PROJECT_DIR
    targets = targets or derive_targets(cfg)
    return StackContext(cfg, targets, load_catalog(cfg, targets.registry, project_dir), project_dir)
