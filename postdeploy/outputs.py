"""Stack outputs handed to post-deploy: read, shape-checked and matched to the stack they claim to be.

`plan --stack dev --outputs out/prod/outputs.json` would otherwise act on prod's registry with dev's
config. An outputs file must carry the registry the stack's config names (and, when the program
exported it, the stack's name); workspaces it lists must be the config's. Anything else is refused
with the file and what was expected, before any request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class OutputsError(ValueError):
    """An outputs file that is missing, garbled or belongs to another stack."""


_ALLOWED = ("pass the JSON `pulumi stack output --json --stack {stack}` prints for this stack, or leave "
            "--outputs out to use the names derived from config")


def read_outputs_file(path: Path, stack: str) -> dict[str, Any]:
    allowed = _ALLOWED.format(stack=stack)
    where = f"--outputs {path}"
    if not path.exists():
        raise OutputsError(f"{where}: the file does not exist; {allowed}")
    if not path.is_file():
        raise OutputsError(f"{where}: is not a file; {allowed}")
    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as error:
        raise OutputsError(f"{where}: cannot be read ({error}); {allowed}") from error
    except json.JSONDecodeError as error:
        raise OutputsError(f"{where}: is not JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                           f"{allowed}") from error
    if document == {}:
        return {}  # what `pulumi stack output --json` prints for a stack with no outputs yet
    if not isinstance(document, dict) or not isinstance(document.get("registry"), dict):
        raise OutputsError(f"{where}: is JSON but not this project's stack outputs (no 'registry' object); {allowed}")
    if "workspaces" in document and not isinstance(document["workspaces"], dict):
        raise OutputsError(f"{where}: 'workspaces' must be an object keyed by '<tenant>/<workspace>'; {allowed}")
    return document


def check_outputs_match(outputs: dict[str, Any], source: str, stack: str, config: Any) -> None:
    """Refuse outputs of another stack: stack name (when exported), registry name, workspace refs."""
    allowed = _ALLOWED.format(stack=stack)
    exported = outputs.get("stack")
    if exported is not None and exported != stack:
        raise OutputsError(f"--outputs {source}: these are the outputs of stack '{exported}', not '{stack}'; "
                           f"{allowed}")
    registry = outputs.get("registry", {}).get("name")
    if registry is not None and registry != config.registry.name:
        raise OutputsError(
            f"--outputs {source}: names registry '{registry}', but Pulumi.{stack}.yaml's registry is "
            f"'{config.registry.name}', so these outputs belong to another stack; {allowed}"
        )
    expected = {f"{t.key}/{w.key}" for t in config.tenants for w in t.workspaces}
    unknown = sorted(set(outputs.get("workspaces") or {}) - expected)
    if unknown:
        raise OutputsError(
            f"--outputs {source}: lists workspaces {', '.join(unknown)} that Pulumi.{stack}.yaml does not have; "
            f"{allowed}"
        )
