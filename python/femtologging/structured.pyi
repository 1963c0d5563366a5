import sys
from collections.abc import Callable, Generator, MutableMapping
from types import TracebackType
from typing import Any, ClassVar, Literal

import structlog

__all__ = [
    "LEVELS",
    "AsyncLogger",
    "LogPublisher",
    "Logger",
    "configure",
    "get_level_num",
    "get_logger",
    "get_null_logger",
]

LEVELS: list[str]

class _Logged:
    def __await__(self) -> Generator[Any]: ...

_Processor = Callable[[Any, str, MutableMapping[str, Any]], Any]

def get_level_num(level_name: str, /, *, default: int = 10) -> int: ...

class Logger(structlog.stdlib.BoundLogger):
    def debug(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def info(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def msg(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...
    def warning(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def warn(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def error(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def critical(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def fatal(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def exception(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def log(self, level: int, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def adebug(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def ainfo(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def awarning(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def aerror(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def acritical(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def aexception(self, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def alog(self, level: int, event: str | None = None, *args: Any, **kw: Any) -> _Logged: ...  # type: ignore[override]
    def is_enabled_for(self, level: int) -> bool: ...
    def isEnabledFor(self, level: int) -> bool: ...  # type: ignore[override]

class AsyncLogger(Logger): ...

class LogPublisher:
    node: Any
    concurrency: int
    logger: Any
    requests: dict[Any, Any]
    send_queue_capacity: int
    drain_timeout: ClassVar[float]
    __match_args__ = ("node", "concurrency", "logger", "requests", "send_queue_capacity")
    def __post_init__(self) -> None: ...
    if sys.version_info >= (3, 13):
        def __replace__(
            self,
            *,
            node: Any = ...,
            concurrency: int = ...,
            logger: Any = ...,
            requests: dict[Any, Any] = ...,
            send_queue_capacity: int = ...,
        ) -> LogPublisher: ...
    def __init__(
        self,
        node: Any,
        concurrency: int = 1,
        logger: Any = ...,
        requests: dict[Any, Any] = ...,
        send_queue_capacity: int = 512,
    ) -> None: ...
    def __call__(
        self, logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]: ...
    def stats(self) -> dict[str, int]: ...
    async def __aenter__(self) -> LogPublisher: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

def configure(
    publisher: _Processor | None = None,
    /,
    *,
    fmt: Literal["json", "pretty"] = "json",
    level: str = "INFO",
) -> None: ...
def get_logger(*factory_args: Any, **context: Any) -> AsyncLogger: ...
def get_null_logger() -> AsyncLogger: ...
