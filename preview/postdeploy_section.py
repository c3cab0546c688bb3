"""The post-deploy plan as the offline preview shows it: as if the registry and workspaces were empty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from postdeploy.operations import Plan
from postdeploy.plan import offline_plan
from postdeploy.render import plan_markdown_rows, plan_table, schedules_markdown, schedules_table
from postdeploy.retraining.schedules import SchedulePreview, schedule_previews
from stacks.model import PlatformConfig


@dataclass(frozen=True)
class OfflinePostdeploy:
    plan: Plan
    schedules: tuple[SchedulePreview, ...]

    @property
    def markdown(self) -> str:
        counts = self.plan.counts()
        summary = ", ".join(f"{n} {action.value}" for action, n in counts.items() if n)
        parts = [
            f"As if the registry and workspaces were empty ({summary or 'nothing to do'}).",
            "",
            *plan_markdown_rows(self.plan),
        ]
        if self.schedules:
            parts += ["", schedules_markdown(self.schedules)]
        return "\n".join(parts)

    def print(self, console: Console) -> None:
        console.print(plan_table(self.plan))
        if self.schedules:
            console.print(schedules_table(self.schedules))


def offline_postdeploy(config: PlatformConfig, project_dir: Path, now: datetime | None = None) -> OfflinePostdeploy:
    return OfflinePostdeploy(
        plan=offline_plan(config, project_dir),
        schedules=schedule_previews(config, now or datetime.now(UTC), project_dir),
    )
