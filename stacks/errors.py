"""Config problems with the path they sit at, collected and raised together.

Pydantic's own messages ("Input should be a valid tuple") name neither the config key a user
wrote nor what would have been accepted, so every validation error is translated here into
"<path>: <what is wrong>; <what is allowed>".
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import pulumi
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

# Raised by model validators to pin a problem on one of the model's keys rather than the whole block.
FIELD_ERROR = "config_field"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(pulumi.RunError):
    """Invalid stack config. A RunError, so `pulumi up` prints the message without a traceback."""

    def __init__(self, problems: Sequence[Problem], source: str = "stack config") -> None:
        self.problems = tuple(dict.fromkeys(problems))
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


def field_error(key: str, message: str) -> PydanticCustomError:
    """An error for a model validator to raise that points at ``key`` of the block."""
    return PydanticCustomError(FIELD_ERROR, "{message}", {"message": message, "field": key})


@dataclass(frozen=True)
class Allowed:
    """Annotated metadata: what a constrained field accepts, in the words of the config contract."""

    text: str


def suggest(value: object, choices: Iterable[str]) -> str | None:
    """The choice a user most likely meant: same letters in another case first, then a close spelling."""
    if not isinstance(value, str):
        return None
    choices = list(choices)
    folded = {c.lower().replace("_", "").replace("-", ""): c for c in choices}
    exact = folded.get(value.lower().replace("_", "").replace("-", "").replace(" ", ""))
    if exact is not None:
        return exact
    close = difflib.get_close_matches(value, choices, n=1)
    return close[0] if close else None


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    hint = suggest(value, choices)
    return f" (did you mean '{hint}'?)" if hint and hint != value else ""


def show(value: object) -> str:
    """A value as a user would recognise it from their YAML."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, dict):
        keys = ", ".join(map(str, list(value)[:6])) + (", ..." if len(value) > 6 else "")
        return f"a map with the keys {keys}" if value else "an empty map"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item(s)" if value else "an empty list"
    return repr(value)


# --- what a type accepts ----------------------------------------------------------------------


def _members(annotation: object) -> list[object]:
    return [a for a in get_args(annotation) if a is not type(None)]


def _is_union(annotation: object) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def model_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def describe_type(annotation: object, metadata: Sequence[object] = ()) -> str:
    """A noun phrase for what ``annotation`` accepts: "a GUID (...)", "one of User, Group"."""
    for item in metadata:
        if isinstance(item, Allowed):
            return item.text
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        return describe_type(inner, extra)
    if origin is Literal:
        return "one of " + ", ".join(map(str, get_args(annotation)))
    if _is_union(annotation):
        members = _members(annotation)
        *first, last = dict.fromkeys(describe_type(m) for m in members)
        return f"{', '.join(first)} or {last}" if first else last
    if origin in (tuple, list):
        item = get_args(annotation)[0]
        if get_origin(item) is Literal:
            return "a list of values from " + ", ".join(map(str, get_args(item)))
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "a list of blocks, each " + describe_type(item)
        return f"a list, each item {describe_type(item)}"
    if origin is dict:
        return f"a map of names to {describe_type(get_args(annotation)[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        required = [f.alias or n for n, f in annotation.model_fields.items() if f.is_required()]
        optional = [f.alias or n for n, f in annotation.model_fields.items() if not f.is_required()]
        parts = []
        if required:
            parts.append(f"{', '.join(required)} (required)")
        if optional:
            parts.append(f"{', '.join(optional)} (optional)")
        return "a map with the keys " + " and ".join(parts)
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}.get(
        annotation, "a value of another type"  # type: ignore[call-overload]
    )


def _all_optional(annotation: object) -> bool:
    return (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and not any(f.is_required() for f in annotation.model_fields.values())
    )


def _bounds(metadata: Sequence[object]) -> str | None:
    low = high = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low = f"more than {item.gt}"
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high = f"less than {item.lt}"
    if low is not None and high is not None:
        return f"whole numbers from {low} to {high}"
    if low is not None:
        return f"whole numbers from {low}"
    if high is not None:
        return f"whole numbers up to {high}"
    return None


# --- following an error location through the models -------------------------------------------


@dataclass
class _Location:
    loc: list[str | int] = field(default_factory=list)  # the config path, union tags removed
    annotation: object = None  # the type expected at the end of loc
    metadata: Sequence[object] = ()
    holder: type[BaseModel] | None = None  # the model whose key the last part is
    union_at: int | None = None  # length of loc where pydantic tried several union members


def _unwrap(annotation: object, metadata: Sequence[object]) -> tuple[object, Sequence[object]]:
    """Strip Annotated (keeping its metadata) and Optional, which say nothing about the key's shape."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation, *extra = get_args(annotation)
            metadata = [*metadata, *extra]
        elif _is_union(annotation) and len(_members(annotation)) == 1:
            annotation = _members(annotation)[0]
        else:
            return annotation, metadata


def _locate(model: type[BaseModel], raw_loc: Sequence[str | int]) -> _Location:
    here = _Location(annotation=model)
    for part in raw_loc:
        annotation = here.annotation
        if _is_union(annotation) and isinstance(part, str):
            # Pydantic names the union member it tried; that is not a config key.
            here.union_at = len(here.loc) if here.union_at is None else here.union_at
            members = _members(annotation)
            chosen = next((m for m in members if getattr(m, "__name__", None) == part), None)
            here.annotation = chosen if chosen is not None else annotation
            continue
        here.loc.append(part)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str):
            info: FieldInfo | None = next(
                (f for n, f in annotation.model_fields.items() if part in (n, f.alias)), None
            )
            here.holder = annotation
            here.annotation = info.annotation if info else None
            here.metadata = list(info.metadata) if info else []
        elif get_origin(annotation) in (tuple, list) and isinstance(part, int):
            here.annotation, here.metadata = get_args(annotation)[0], []
        elif get_origin(annotation) is dict:
            here.annotation, here.metadata = get_args(annotation)[1], []
        else:
            here.annotation, here.metadata, here.holder = None, [], None
        here.annotation, here.metadata = _unwrap(here.annotation, here.metadata)
    return here


# --- translation ------------------------------------------------------------------------------

_TYPE_ERRORS = {
    "string_type", "int_type", "int_parsing", "int_from_float", "float_type", "float_parsing",
    "bool_type", "bool_parsing", "dict_type", "model_type", "model_attributes_type", "tuple_type",
    "list_type", "iterable_type", "none_required", "string_sub_type",
}
_RANGE_ERRORS = {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}


def _message(item: dict[str, Any], where: _Location) -> str:
    kind = item["type"]
    value = item.get("input")
    allowed = describe_type(where.annotation, where.metadata) if where.annotation is not None else ""
    if kind == "extra_forbidden":
        keys = model_keys(where.holder) if where.holder else []
        key = str(where.loc[-1])
        message = f"unknown key '{key}'" + did_you_mean(key, keys)
        return message + (f"; allowed keys: {', '.join(keys)}" if keys else "")
    if kind == "missing":
        return f"is required: {allowed}" if allowed else "is required"
    if kind == "literal_error":
        choices = [str(c) for c in get_args(where.annotation)] if get_origin(where.annotation) is Literal else []
        given = repr(value) if isinstance(value, str) else show(value)
        return f"{given} is not allowed{did_you_mean(value, choices)}; allowed: {', '.join(choices)}"
    if kind in ("value_error", "assertion_error"):
        return item["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in _RANGE_ERRORS:
        bounds = _bounds(where.metadata)
        return f"{value!r} is out of range; allowed: {bounds}" if bounds else item["msg"]
    if kind in ("too_short", "too_long"):
        return f"has {show(value)}; allowed: {allowed}"
    if kind in _TYPE_ERRORS:
        hint = ""
        if isinstance(value, str) and value and get_origin(where.annotation) in (tuple, list):
            hint = f" (for a list of one, write [{value}])"
        elif value is None and get_origin(where.annotation) in (tuple, list):
            hint = " (write [] for none)"
        elif value is None and _all_optional(where.annotation):
            hint = " (write {} or remove the key when there is nothing to set)"
        return f"must be {allowed}; got {show(value)}{hint}"
    return f"{item['msg']} (got {show(value)})" + (f"; allowed: {allowed}" if allowed else "")


def problems_from_validation(
    error: ValidationError, model: type[BaseModel], prefix: Sequence[str | int] = ()
) -> Iterable[Problem]:
    union_done: set[tuple[str | int, ...]] = set()
    for item in error.errors(include_url=False):
        where = _locate(model, item["loc"])
        if item["type"] == FIELD_ERROR:
            ctx = item.get("ctx") or {}
            yield Problem(join_path(*prefix, *where.loc, ctx["field"]), ctx["message"])
            continue
        if where.union_at is not None:
            # One problem per union, not one per member pydantic tried.
            at = tuple(where.loc[: where.union_at])
            if at in union_done:
                continue
            union_done.add(at)
            whole = _locate(model, at)
            value = item.get("input")
            yield Problem(
                join_path(*prefix, *at),
                f"must be {describe_type(whole.annotation, whole.metadata)}; got {show(value)}",
            )
            continue
        yield Problem(join_path(*prefix, *where.loc), _message(item, where))
