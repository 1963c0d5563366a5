"""The benchmark cases, in the order they are run and reported."""

from __future__ import annotations

from . import (
    disabled,
    exception,
    femto_burst,
    femto_file,
    femto_file_threads,
    femto_json_file,
    femto_rotating,
    femto_socket,
    femto_socket_threads,
    file,
    file_threads,
    http_batch,
    json_file,
    rotating,
    routed_file,
    stream_stringio,
    structured_json,
    structured_pretty,
    syslog_udp,
    tcp_socket,
    udp_datagram,
)
from ._case import FACES, ROWS, Case, CaseFunction, Measurement, Row
from ._checks import ASCTIME_NOT_COMPARED, CheckFailed

CASES: dict[str, Case] = {
    case.name: case
    for case in (
        disabled.CASE,
        stream_stringio.CASE,
        file.CASE,
        routed_file.CASE,
        exception.CASE,
        exception.DEEP_CASE,
        json_file.CASE,
        file_threads.CASE,
        rotating.CASE,
        tcp_socket.CASE,
        udp_datagram.CASE,
        syslog_udp.CASE,
        femto_file.CASE,
        femto_json_file.CASE,
        femto_file_threads.CASE,
        femto_burst.CASE,
        femto_rotating.CASE,
        femto_socket.CASE,
        femto_socket_threads.CASE,
        http_batch.CASE,
        structured_json.CASE,
        structured_pretty.CASE,
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
