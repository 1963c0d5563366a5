"""Shared helpers: run one program under the standard library and under femtologging."""

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}")
_ADDRESS = re.compile(r"0x[0-9a-f]+")


def _drop_library_frames(text):
    """Removes traceback frames inside the logging implementation itself."""
    kept = []
    skipping = False
    for line in text.splitlines(keepends=True):
        if line.startswith("  File "):
            skipping = "/logging/" in line or "/femtologging/" in line
            if skipping:
                continue
        elif skipping and line.startswith("    "):
            continue
        else:
            skipping = False
        kept.append(line)
    return "".join(kept)


def normalise(text, directory):
    text = text.replace(directory, "<dir>")
    text = _TIMESTAMP.sub("<time>", text)
    text = _ADDRESS.sub("0x?", text)
    return _drop_library_frames(text)


class Run:
    def __init__(self, stdout, stderr, files):
        self.stdout = stdout
        self.stderr = stderr
        self.files = files


def run_program(module, source, directory, command=()):
    """Runs `source` with `logging` bound to `module` in `directory`, started
    through `command` when given; returns its output and files. The program
    file sits in a folder beside the directory, so it may run where it cannot
    create files."""
    directory = os.fspath(directory).rstrip("/")
    os.makedirs(directory, exist_ok=True)
    os.makedirs(directory + ".program", exist_ok=True)
    program = os.path.join(directory + ".program", "program.py")
    with open(program, "w", encoding="utf-8") as handle:
        handle.write(f"import {module} as logging\n")
        handle.write(textwrap.dedent(source))
    completed = subprocess.run(
        [*command, sys.executable, program],
        cwd=directory,
        capture_output=True,
        timeout=60,
    )
    files = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".log"):
            with open(os.path.join(directory, name), "rb") as handle:
                files[name] = normalise(handle.read().decode("utf-8", "replace"), directory)
    return Run(
        normalise(completed.stdout.decode("utf-8", "backslashreplace"), directory),
        normalise(completed.stderr.decode("utf-8", "backslashreplace"), directory),
        files,
    )


@pytest.fixture
def same_as_stdlib(tmp_path):
    """Asserts a program prints and writes the same under both implementations."""

    def check(source):
        expected = run_program("logging", source, str(tmp_path / "stdlib"))
        actual = run_program("femtologging", source, str(tmp_path / "femto"))
        # The two runs live in different directories; compare with the names folded.
        assert actual.stderr == expected.stderr
        assert actual.stdout == expected.stdout
        assert actual.files == expected.files
        return actual

    return check


@pytest.fixture
def tiny_disks(tmp_path):
    """Mounts 64 KiB tmpfs disks on demand: disks that fill up. `options` may
    add a few inodes, so that creating a file fails too. Needs the right to mount."""
    mounted = []

    def mount(name="tiny", options=""):
        mount_point = tmp_path / name
        mount_point.mkdir()
        arguments = ",".join(["size=64k", *([options] if options else [])])
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", arguments, "tmpfs", str(mount_point)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        mounted.append(mount_point)
        return mount_point

    try:
        yield mount
    finally:
        for mount_point in mounted:
            subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def tiny_disk(tiny_disks):
    """One 64 KiB tmpfs."""
    return tiny_disks()


# Run as `python -c LAUNCHER program arguments...`: drops CAP_DAC_OVERRIDE,
# CAP_DAC_READ_SEARCH and CAP_FOWNER from the bounding set (prctl option 24,
# PR_CAPBSET_DROP) and runs the program. Root keeps its uid, and so can still
# run an interpreter installed under /root, but mode bits now bind it.
_LAUNCHER_WITHOUT_OVERRIDES = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for capability in (1, 2, 3):
    if libc.prctl(24, capability, 0, 0, 0) != 0:
        sys.exit("cannot drop a capability: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
"""


class ReadOnlyDirectory:
    """A directory whose entries a program started through `command` cannot
    create, rename or remove, while the files already in it stay writable:
    renaming a backup fails with a genuine EACCES."""

    def __init__(self, path, command):
        self.path = path
        self.command = command

    def deny(self):
        os.chmod(self.path, 0o555)

    def allow(self):
        os.chmod(self.path, 0o755)


@pytest.fixture
def read_only_directories(tmp_path):
    """Makes `ReadOnlyDirectory`s under tmp_path. As root, where mode bits
    alone stop nothing, the programs run without root's overrides; the test
    is skipped when the denial cannot be made to hold."""
    command = ()
    if os.geteuid() == 0:
        command = (sys.executable, "-c", _LAUNCHER_WITHOUT_OVERRIDES)
    made = []

    def make(name):
        directory = ReadOnlyDirectory(tmp_path / name, command)
        directory.path.mkdir()
        made.append(directory)
        if len(made) == 1:
            directory.deny()
            probe = subprocess.run(
                [*command, sys.executable, "-c", "open('probe', 'x')"],
                cwd=directory.path,
                capture_output=True,
                text=True,
            )
            directory.allow()
            if "PermissionError" not in probe.stderr:
                reason = probe.stderr.strip().splitlines()[-1:] or ["the file was created"]
                pytest.skip(f"cannot deny writing to a directory here: {reason[0]}")
        return directory

    try:
        yield make
    finally:
        for directory in made:
            directory.allow()


def make_certificates(directory):
    """A CA (`ca.pem`, `ca.key`) and a server certificate it signed for
    localhost and 127.0.0.1 (`leaf.pem`, `leaf.key`) in `directory`, made
    with openssl (which scripts/install-peers installs); returns
    `directory`. rustls refuses a self-signed server certificate, hence the
    CA; P-256 keys, which take milliseconds to make where RSA takes
    seconds on a busy machine."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is missing: run scripts/install-peers")
    directory = str(directory)

    def run(*arguments):
        subprocess.run([openssl, *arguments], cwd=directory, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", f"/CN=femtologging test CA {os.path.basename(directory)}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
        "-subj", "/CN=localhost")  # fmt: skip
    with open(os.path.join(directory, "leaf.ext"), "w", encoding="ascii") as extensions:
        extensions.write(
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        )
    run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext")  # fmt: skip
    return directory


def logger_to(name, handler):
    """The femtologging logger `name`, at DEBUG, with `handler` its only
    output (not propagating)."""
    import femtologging

    logger = femtologging.getLogger(name)
    logger.propagate = False
    logger.setLevel(femtologging.DEBUG)
    logger.addHandler(handler)
    return logger
