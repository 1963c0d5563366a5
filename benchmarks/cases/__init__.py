"""The benchmark cases, in the order they are run and reported."""

from __future__ import annotations

from . import (
    disabled,
    exception,
    femto_burst,
    femto_file,
    femto_file_threads,
    femto_rotating,
    femto_socket,
    femto_socket_threads,
    file,
    file_threads,
    http_batch,
    rotating,
    routed_file,
    stream_stringio,
    syslog_udp,
    tcp_socket,
    udp_datagram,
)
from ._case import FACES, ROWS, Case, CaseFunction, Measurement, Row
from ._checks import ASCTIME_NOT_COMPARED, CheckFailed

CASES: dict[str, Case] = {
    module.CASE.name: module.CASE
    for module in (
        disabled,
        stream_stringio,
        file,
        routed_file,
        exception,
        file_threads,
        rotating,
        tcp_socket,
        udp_datagram,
        syslog_udp,
        femto_file,
        femto_file_threads,
        femto_burst,
        femto_rotating,
        femto_socket,
        femto_socket_threads,
        http_batch,
    )
}

__all__ = [
    "ASCTIME_NOT_COMPARED",
    "CASES",
    "FACES",
    "ROWS",
    "Case",
    "CaseFunction",
    "CheckFailed",
    "Measurement",
    "Row",
]
