"""Regenerate the syslog expectations of the Rust tests.

Usage: python3 generate_syslog.py PYTHON [PYTHON ...]

Each interpreter's logging.handlers.SysLogHandler sends records over UDP to a socket
of this script's, and the datagrams are written to syslog.txt:

  version <TAB> facility <TAB> ident <TAB> level <TAB> message <TAB> append_nul <TAB> hex

(ident and message escaped with \\\\, \\t, \\n). util-linux's `logger --rfc5424`, a
sender nobody on the project wrote, fills logger5424.txt with its datagrams, one hex
line each, for the RFC 5424 parser.
"""

import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    ("user", "", "INFO", "hello", True),
    ("user", "", "DEBUG", "debug line", True),
    ("user", "", "WARNING", "careful", True),
    ("user", "", "ERROR", "broken", True),
    ("user", "", "CRITICAL", "down", True),
    ("user", "", "TRACE", "a custom level maps to warning", True),
    ("local3", "myapp: ", "INFO", "héllo wörld 日本語 😀", True),
    ("local7", "app[42]: ", "ERROR", "multi\nline\twith tab", False),
    ("kern", "", "CRITICAL", "", True),
    ("daemon", "d: ", "INFO", "no nul", False),
    ("auth", "", "WARNING", "backslash \\ and <brackets>", True),
    ("local0", "x", "DEBUG", "ident without separator", True),
]


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def run_child():
    import logging
    import logging.handlers

    version = "%d.%d" % sys.version_info[:2]
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    for facility, ident, level, message, append_nul in CASES:
        handler = logging.handlers.SysLogHandler(
            address=receiver.getsockname(), facility=logging.handlers.SysLogHandler.facility_names[facility]
        )
        handler.ident = ident
        handler.append_nul = append_nul
        record = logging.LogRecord("x", logging.INFO, __file__, 1, message, None, None)
        record.levelname = level
        handler.emit(record)
        handler.close()
        data = receiver.recv(65536)
        fields = [version, facility, escape(ident), level, escape(message), str(int(append_nul)), data.hex()]
        print("\t".join(fields))


def logger_datagrams():
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    port = str(receiver.getsockname()[1])
    runs = [
        ["-t", "myapp", "-p", "local3.info", "plain message"],
        ["-t", "myapp", "-p", "user.err", "--sd-id", "zoo@123", "--sd-param", 'tiger="hungry"',
         "--sd-param", 'note="quote \\" back \\\\ bracket \\]"', "with structured data"],
        ["-t", "app", "--msgid", "ID47", "-p", "daemon.warning", "héllo"],
    ]
    lines = []
    for arguments in runs:
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", port, "-d", "--rfc5424"] + arguments, check=True)
        lines.append(receiver.recv(65536).hex())
    return lines


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_child()
        return
    output = []
    for python in sys.argv[1:]:
        result = subprocess.run([python, __file__, "--child"], check=True, capture_output=True, text=True)
        output.append(result.stdout)
    with open(os.path.join(HERE, "syslog.txt"), "w", encoding="utf-8") as out:
        out.write("".join(output))
    with open(os.path.join(HERE, "logger5424.txt"), "w") as out:
        out.write("\n".join(logger_datagrams()) + "\n")


if __name__ == "__main__":
    main()
