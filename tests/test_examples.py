"""The programs in examples/ run on their own and print what they should."""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _run(name, *arguments, cwd):
    """Runs examples/`name` as a user would; returns its stdout."""
    environment = dict(os.environ, PYTHONPATH=str(ROOT / "python"))
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    return done.stdout


def test_quickstart_logs_to_the_console_and_to_a_file(tmp_path):
    """`make demo`'s program prints its records and counts them in its file."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "python"), TMPDIR=str(tmp_path)),
    )
    assert done.returncode == 0, done.stderr
    assert "INFO     app.web: serving /api/items on port 8080" in done.stderr
    assert "below the app.db level" not in done.stderr
    assert "KeyError: 'missing'" in done.stderr
    log_path = tmp_path / "femtologging-quickstart.log"
    lines = log_path.read_text(encoding="utf-8").count("\n")
    assert f"are in {log_path} ({lines} lines)." in done.stdout
    assert "CRITICAL app quickstart:37 shutting down" in log_path.read_text(encoding="utf-8")


def test_web_service_logs_every_request_to_the_rotating_file(tmp_path):
    """Each request gives an access line and an application line; every
    line is in web.log or one of its backups, none dropped."""
    output = _run("web_service.py", "--requests", "40", "--directory", str(tmp_path), cwd=tmp_path)
    assert output.splitlines() == [
        "40 requests: 30 found, 10 not found",
        f"82 of 82 lines in {len(list(tmp_path.glob('web.log*')))} files under {tmp_path}",
        "written 82, dropped 0, failed 0",
    ]
    text = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("web.log*"))
    assert len(re.findall(r'web\.access: 127\.0\.0\.1 "GET /items/\d HTTP/1\.1" 200', text)) == 30
    assert text.count("WARNING web.app: no item at /items/4") == 10
    assert len(list(tmp_path.glob("web.log.*"))) >= 1, "the file never rotated"


def test_web_service_runs_on_its_defaults(tmp_path):
    output = _run("web_service.py", cwd=tmp_path)
    assert output.startswith("200 requests: 150 found, 50 not found\n402 of 402 lines in ")


def test_worker_pool_collects_every_workers_line(tmp_path):
    """Each of the pool's processes says it started, and every task's line
    reaches the parent's file."""
    arguments = ["--tasks", "60", "--processes", "3", "--directory", str(tmp_path)]
    output = _run("worker_pool.py", *arguments, cwd=tmp_path)
    path = tmp_path / "pool.log"
    assert output.splitlines() == [
        "60 tasks on 3 processes",
        "3 workers started, all different from the parent: True",
        "60 task lines, from the workers that started: True",
        "missing: []",
        f"file: {path}",
    ]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 63
    started = {line.split()[0] for line in lines if line.endswith(" pool worker started")}
    assert len(started) == 3
    tasks = [line.split()[3] for line in lines if " pool task " in line]
    assert sorted(int(task.rstrip(":")) for task in tasks) == list(range(60))


def test_worker_pool_runs_on_its_defaults(tmp_path):
    output = _run("worker_pool.py", cwd=tmp_path)
    assert output.startswith(
        "200 tasks on 4 processes\n4 workers started, all different from the parent: True\n"
        "200 task lines, from the workers that started: True\nmissing: []\n"
    )


def test_ship_logs_delivers_every_record_in_order(tmp_path):
    output = _run("ship_logs.py", "--records", "300", cwd=tmp_path)
    assert output.splitlines() == [
        "sent 301 of 301 records (delivered: True)",
        "received 301 records; in order: True",
        "last: orders WARNING 300 orders accepted",
    ]


def test_ship_logs_runs_on_its_defaults(tmp_path):
    output = _run("ship_logs.py", cwd=tmp_path)
    assert output.splitlines()[:2] == [
        "sent 1001 of 1001 records (delivered: True)",
        "received 1001 records; in order: True",
    ]
