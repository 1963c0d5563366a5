"""rsyslog as the tests' syslog receiver: one rsyslogd with its own
configuration, ports, Unix socket and output file, started and stopped by
its pid, and the properties it parsed out of each message (through a
template), read back from that file. With certificates it also listens for
TLS (imtcp with GnuTLS, from the rsyslog-gnutls package)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

TEMPLATE = (
    "%pri%|%syslogfacility-text%|%syslogseverity%|%hostname%|%app-name%|%procid%"
    "|%msgid%|%structured-data%|%msg%\\n"
)


def _free_port(kind):
    probe = socket.socket(socket.AF_INET, kind)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def _has_gtls_driver():
    """Whether rsyslog's GnuTLS stream driver is installed (Debian's
    rsyslog-gnutls puts it beside rsyslog's other modules)."""
    return any(
        os.path.exists(os.path.join(folder, "rsyslog", "lmnsd_gtls.so"))
        for folder in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")
    )


def _rsyslogd():
    path = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
    if not os.access(path, os.X_OK):
        pytest.fail("rsyslogd is missing: run scripts/install-peers")
    return path


class Rsyslog:
    """One rsyslogd with its own configuration, ports, socket and output."""

    def __init__(self, directory, tls=None):
        """`tls`: the directory of `make_certificates`, for a TLS listener on
        `tls_port` whose certificate that CA signed."""
        self.directory = directory
        self.udp_port = _free_port(socket.SOCK_DGRAM)
        self.tcp_port = _free_port(socket.SOCK_STREAM)
        self.tls_port = _free_port(socket.SOCK_STREAM) if tls else None
        self.socket_path = os.path.join(directory, "log.sock")
        self.output = os.path.join(directory, "messages.log")
        self.config = os.path.join(directory, "rsyslog.conf")
        self.pidfile = os.path.join(directory, "rsyslogd.pid")
        os.makedirs(os.path.join(directory, "work"), exist_ok=True)
        with open(self.config, "w", encoding="utf-8") as handle:
            handle.write(
                f'global(workDirectory="{directory}/work")\n'
                'module(load="imudp")\n'
                'module(load="imtcp" AddtlFrameDelimiter="0")\n'
                'module(load="imuxsock" SysSock.Use="off")\n'
                f'template(name="properties" type="string" string="{TEMPLATE}")\n'
                f'input(type="imudp" address="127.0.0.1" port="{self.udp_port}")\n'
                f'input(type="imtcp" address="127.0.0.1" port="{self.tcp_port}")\n'
                f'input(type="imuxsock" Socket="{self.socket_path}" RateLimit.Interval="0")\n'
                f'*.* action(type="omfile" file="{self.output}" template="properties")\n'
            )
            if tls:
                if not _has_gtls_driver():
                    pytest.fail("rsyslog's TLS driver is missing: run scripts/install-peers")
                handle.write(
                    f'input(type="imtcp" address="127.0.0.1" port="{self.tls_port}"'
                    ' streamDriver.name="gtls" streamDriver.mode="1"'
                    ' streamDriver.authMode="anon"'
                    f' streamDriver.CAFile="{tls}/ca.pem"'
                    f' streamDriver.CertFile="{tls}/leaf.pem"'
                    f' streamDriver.KeyFile="{tls}/leaf.key")\n'
                )
        self.process = None

    def check(self):
        subprocess.run([_rsyslogd(), "-N1", "-f", self.config], check=True, capture_output=True)

    def start(self):
        self.process = subprocess.Popen(
            [_rsyslogd(), "-n", "-f", self.config, "-i", self.pidfile],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                for port in (self.tcp_port, self.tls_port):
                    if port is not None:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                if os.path.exists(self.socket_path):
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        pytest.fail("rsyslogd did not start listening")

    def stop(self):
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
            self.process = None

    def lines(self, containing, count, timeout=10):
        """The output lines holding `containing`, once there are `count`."""
        deadline = time.monotonic() + timeout
        found = []
        while time.monotonic() < deadline:
            if os.path.exists(self.output):
                with open(self.output, encoding="utf-8", errors="replace") as handle:
                    found = [line.rstrip("\n") for line in handle if containing in line]
                if len(found) >= count:
                    return [line.split("|", 8) for line in found]
            time.sleep(0.05)
        pytest.fail(f"rsyslog wrote {len(found)} of {count} lines with {containing!r}: {found}")


@contextlib.contextmanager
def running_rsyslog(directory, tls=None):
    """An `Rsyslog` whose configuration rsyslogd accepted, listening until
    the block ends."""
    server = Rsyslog(directory, tls=tls)
    server.check()
    server.start()
    try:
        yield server
    finally:
        server.stop()
