"""What differs between a schedule in a workspace and the one config builds, in words for a plan.

Whether a schedule needs an update is decided by its fingerprint tag alone (see
``postdeploy.retraining.schedules``); this only explains the update. Both sides are compared as request bodies,
after undoing what the service does to names: the SDK sends ``azureml:<name>:<version>`` and the
compute name, Azure answers with ARM ids. Fields only the service sets (status, ids, timestamps) are
absent from the body config builds and are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from azure.ai.ml.entities import JobSchedule

_SHORT_ASSET = re.compile(r"^azureml:(?P<name>[^:/]+):(?P<version>[^:/]+)$")
_ARM_ASSET = re.compile(
    r"^/subscriptions/.+/workspaces/[^/]+/(?:data|models)/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$", re.IGNORECASE
)
_JOB = "properties.action.jobDefinition."
# Long body paths as a reader knows them from config.
_LABELS = (
    (re.compile(r"^properties\.trigger\.(?P<key>.+)$"), "trigger {key}"),
    (re.compile(r"^properties\.isEnabled$"), "enabled"),
    (re.compile(r"^properties\.tags\.(?P<key>.+)$"), "tag {key}"),
    (re.compile(rf"^{re.escape(_JOB)}inputs\.(?P<key>[^.]+)\.(?:value|uri)$"), "input {key}"),
    (re.compile(rf"^{re.escape(_JOB)}settings\.default_compute$"), "compute"),
    (re.compile(rf"^{re.escape(_JOB)}jobs\.(?P<key>[^.]+)\.componentId$"), "step {key} component"),
    (re.compile(rf"^{re.escape(_JOB)}(?P<key>.+)$"), "pipeline {key}"),
    (re.compile(r"^properties\.(?P<key>.+)$"), "{key}"),
)


def schedule_changes(
    existing: JobSchedule, desired: JobSchedule, *, ignore_tags: tuple[str, ...] = (), limit: int = 4
) -> list[str]:
    """Up to ``limit`` differences as ``"input n_estimators: 200 -> 250"``, then how many more.

    ``ignore_tags`` are tags that change with every config change by design (the fingerprint): they
    say nothing a reader can act on."""
    want = dict(_leaves(desired._to_rest_object().as_dict()))
    have = dict(_leaves(existing._to_rest_object().as_dict()))
    changes = []
    for path, value in want.items():
        if any(path.endswith(f"tags.{tag}") for tag in ignore_tags):
            continue
        old = _normalized(path, have.get(path))
        new = _normalized(path, value)
        if old != new:
            changes.append(f"{_label(path)}: {_show(old)} -> {_show(new)}")
    if len(changes) > limit:
        changes = [*changes[:limit], f"{len(changes) - limit} more"]
    return changes


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    else:
        yield path, value


def _normalized(path: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if path.endswith("settings.default_compute"):
        return value.rsplit("/computes/", 1)[-1]
    match = _SHORT_ASSET.match(value) or _ARM_ASSET.match(value)
    return f"{match['name']}:{match['version']}" if match else value


def _label(path: str) -> str:
    for pattern, label in _LABELS:
        match = pattern.match(path)
        if match:
            return label.format(**match.groupdict())
    return path


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)
