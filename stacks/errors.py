"""Config problems with the path they sit at, collected and raised together."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pulumi
from pydantic import BaseModel, ValidationError


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(pulumi.RunError):
    """Invalid stack config. A RunError, so `pulumi up` prints the message without a traceback."""

    def __init__(self, problems: Sequence[Problem], source: str = "stack config") -> None:
        self.problems = tuple(problems)
        self.source = source
        lines = [f"invalid {source}: {len(self.problems)} problem(s), nothing was created"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def join_path(*parts: str | int) -> str:
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part:
            path += f".{part}" if path else part
    return path


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """Walk a pydantic model along an error location to the model that holds the last key."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None or isinstance(part, int):
            continue
        field = next(
            (f for name, f in current.model_fields.items() if part in (name, f.alias)), None
        )
        if field is None:
            return None
        current = _first_model(field.annotation)
    return current


def _first_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def problems_from_validation(
    error: ValidationError, model: type[BaseModel], prefix: Sequence[str | int] = ()
) -> Iterable[Problem]:
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        path = join_path(*prefix, *loc)
        kind = item["type"]
        if kind == "extra_forbidden":
            holder = _model_at(model, loc)
            allowed = _allowed_keys(holder) if holder else []
            key = str(loc[-1])
            hint = difflib.get_close_matches(key, allowed, n=1)
            message = f"unknown key '{key}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
            if allowed:
                message += f"; allowed keys: {', '.join(allowed)}"
        elif kind == "missing":
            message = "is required"
        elif kind == "literal_error":
            message = f"{item['input']!r} is not allowed; {item['msg'][0].lower()}{item['msg'][1:]}"
        elif kind in ("value_error", "assertion_error"):
            message = item["msg"].removeprefix("Value error, ")
        else:
            message = f"{item['msg']} (got {item['input']!r})"
        yield Problem(path, message)
