"""Reading resource properties that may be missing or not known until apply.

On a real engine ``args.props`` is pulumi_policy's unknown-checking proxy: indexing a value
that is unknown during preview raises ``UnknownValueError`` (the raw value is one of
pulumi_policy's sentinel strings). The offline preview marks the same values with the plain
string ``OFFLINE_UNKNOWN``. ``get`` turns both into the ``UNKNOWN`` marker and absent or null
values into ``MISSING``, so rules decide on three outcomes and never crash.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

# What the offline preview writes for a value the engine would only learn after apply.
OFFLINE_UNKNOWN = "<known after apply>"

_ENGINE_UNKNOWNS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


class _Marker:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __bool__(self) -> bool:
        # A marker silently read as a boolean would turn "unknown" into "false".
        raise TypeError(f"{self._name} has no truth value; compare it with `is`")


MISSING: Any = _Marker("MISSING")
UNKNOWN: Any = _Marker("UNKNOWN")


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and (value == OFFLINE_UNKNOWN or value in _ENGINE_UNKNOWNS))


def is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def get(value: Any, *path: str | int) -> Any:
    """The value at ``path``, or ``MISSING`` (absent or null), or ``UNKNOWN`` (known after apply)."""
    for key in path:
        if is_unknown(value):
            return UNKNOWN
        if value is MISSING or value is None:
            return MISSING
        if isinstance(key, int) and not is_list(value):
            return MISSING
        if isinstance(key, str) and not isinstance(value, Mapping):
            return MISSING
        try:
            value = value[key]
        except (KeyError, IndexError):
            return MISSING
        except UnknownValueError:
            return UNKNOWN
    if is_unknown(value):
        return UNKNOWN
    return MISSING if value is None else value


def elements(value: Any) -> Iterator[Any]:
    """Items of a list, each read like ``get`` reads a value; nothing for a missing or unknown list."""
    if not is_list(value):
        return
    for index in range(len(value)):
        yield get(value, index)


def entries(value: Any) -> Iterator[tuple[str, Any]]:
    """Key and value pairs of a map, values read like ``get`` reads them."""
    if not isinstance(value, Mapping):
        return
    for key in value:
        yield key, get(value, key)


def text(value: Any) -> str | None:
    """A known, non-empty string, or None."""
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def same(value: Any, expected: str) -> bool:
    """Case-insensitive comparison: Azure enums and ids are case-insensitive."""
    return isinstance(value, str) and value.lower() == expected.lower()


def region(value: Any) -> str | None:
    """An Azure region in its short form, so "West Europe" and "westeurope" compare equal."""
    name = text(value)
    return name.replace(" ", "").lower() if name else None


def show_value(value: Any) -> str:
    """How a value reads in a violation message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # The engine hands numbers over as floats (protobuf Struct); 2.0 nodes reads as 2.
        return str(int(value))
    return str(value)
