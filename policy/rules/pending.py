"""Checks that wait for apply: a rule that cannot decide yet passes and says so.

The engine has no channel for a passing check's remarks, so there the note goes nowhere.
The offline runner installs a sink for the duration of one rule and turns each note into an
informational line of the review ("principalId is known after apply").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# (message, urn of the resource it is about or None for the resource under validation)
NoteSink = Callable[[str, str | None], None]

_sink: ContextVar[NoteSink | None] = ContextVar("policy_note_sink", default=None)


def known_after_apply(what: str, urn: str | None = None) -> None:
    """Record that ``what`` (a property path or a short phrase) is only known after apply."""
    sink = _sink.get()
    if sink is not None:
        sink(f"{what} is known after apply", urn)


@contextmanager
def collecting(sink: NoteSink) -> Iterator[None]:
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)
