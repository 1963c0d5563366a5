"""Key-values bound to the running context, carried by every record logged in it.

The names are structlog's (``structlog.contextvars``): ``bind_contextvars``,
``unbind_contextvars``, ``clear_contextvars``, ``get_contextvars``,
``reset_contextvars``, ``bound_contextvars`` (a ``with`` block or a
decorator) and the processor ``merge_contextvars``. A thread starts with its
own empty context; an asyncio task starts with a copy of the context that
created it, so what a task binds stays in that task.

A record gets the bound values as ``extra`` keys (the call's own ``extra``
wins; a name that is one of a ``LogRecord``'s attributes is left out), so
they are attributes of a ``LogRecord``, fields of a format string and
key-values of the femto handlers and of ``femtologging.structured`` events.
Values bound through structlog's own ``structlog.contextvars`` are another
store: ``femtologging.structured`` events carry them too (a key bound in
both takes the value bound here), standard records do not.
"""

from __future__ import annotations

import contextlib
import contextvars as _stdlib_contextvars
import functools
from collections.abc import Callable, Generator, Mapping, MutableMapping
from typing import Any, TypeVar

from . import _femtologging as _native

__all__ = [
    "bind_contextvars",
    "bound_contextvars",
    "clear_contextvars",
    "get_contextvars",
    "merge_contextvars",
    "reset_contextvars",
    "unbind_contextvars",
]

_Function = TypeVar("_Function", bound=Callable[..., Any])

# One variable holding a dict that each change replaces: the native side reads
# it on every call without copying, and a copy of a context keeps its values.
_BOUND: _stdlib_contextvars.ContextVar[dict[str, Any]] = _stdlib_contextvars.ContextVar(
    "femtologging_bound",
    default={},  # noqa: B039 - replaced on each bind, never changed
)
_native.set_bound_context_variable(_BOUND)

# Marks a key that was not bound before, so resetting it unbinds it.
_ABSENT: Any = object()


class _KeyToken:
    """What a key held before a bind, for ``reset_contextvars``."""

    __slots__ = ("key", "previous")

    def __init__(self, key: str, previous: Any) -> None:
        self.key = key
        self.previous = previous

    def __repr__(self) -> str:
        return f"<femtologging.contextvars token for {self.key!r}>"


def get_contextvars() -> dict[str, Any]:
    """A copy of the values bound in the current context."""
    return dict(_BOUND.get())


def bind_contextvars(**values: Any) -> Mapping[str, _KeyToken]:
    """Binds ``values`` in the current context; returns a token per key for
    ``reset_contextvars``."""
    current = _BOUND.get()
    tokens = {key: _KeyToken(key, current.get(key, _ABSENT)) for key in values}
    _BOUND.set({**current, **values})
    return tokens


def reset_contextvars(**tokens: _KeyToken) -> None:
    """Gives each key back the value it had before the bind that made its token."""
    updated = dict(_BOUND.get())
    for key, token in tokens.items():
        if token.previous is _ABSENT:
            updated.pop(key, None)
        else:
            updated[key] = token.previous
    _BOUND.set(updated)


def unbind_contextvars(*keys: str) -> None:
    """Removes ``keys`` from the current context; keys not bound are ignored."""
    current = _BOUND.get()
    if any(key in current for key in keys):
        _BOUND.set({key: value for key, value in current.items() if key not in keys})


def clear_contextvars() -> None:
    """Removes every value bound in the current context."""
    _BOUND.set({})


@contextlib.contextmanager
def _bound(values: dict[str, Any]) -> Generator[None, None, None]:
    tokens = bind_contextvars(**values)
    try:
        yield
    finally:
        reset_contextvars(**tokens)


class bound_contextvars:  # noqa: N801 - structlog's name
    """Binds values for the length of a ``with`` block or of a decorated call,
    then gives the keys back what they held before."""

    def __init__(self, **values: Any) -> None:
        self._values = values
        self._tokens: list[Mapping[str, _KeyToken]] = []

    def __enter__(self) -> None:
        self._tokens.append(bind_contextvars(**self._values))

    def __exit__(self, *exc_info: object) -> None:
        reset_contextvars(**self._tokens.pop())

    def __call__(self, function: _Function) -> _Function:
        values = self._values

        @functools.wraps(function)
        def with_values(*args: Any, **kwargs: Any) -> Any:
            with _bound(values):
                return function(*args, **kwargs)

        return with_values  # type: ignore[return-value]


def merge_contextvars(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: adds the bound values the event does not set."""
    for key, value in _BOUND.get().items():
        event_dict.setdefault(key, value)
    return event_dict
