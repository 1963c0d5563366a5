"""femtologging.config: its namespace, bad input (the standard exception, and the
configuration before it still writing), the femto handlers and their builders,
and the configuration server of listen()."""

import json
import logging as standard_logging
import logging.config as standard_config
import socket
import struct
import sys

import femtologging
import femtologging.config
import femtologging.handlers
import pytest

logging = femtologging


@pytest.fixture(autouse=True)
def clean_configuration():
    """Each test ends with no handlers on the loggers it uses."""
    yield
    femtologging.config.dictConfig(
        {
            "version": 1,
            "root": {"handlers": [], "level": "WARNING"},
            "loggers": {"app": {"propagate": True, "level": "NOTSET"}},
            "disable_existing_loggers": False,
        }
    )


def _good_configuration(path):
    return {
        "version": 1,
        "formatters": {"plain": {"format": "%(name)s %(levelname)s %(message)s"}},
        "handlers": {
            "file": {"class": "logging.FileHandler", "filename": str(path), "formatter": "plain"}
        },
        "loggers": {"app": {"handlers": ["file"], "level": "INFO", "propagate": False}},
    }


def _lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def test_the_module_has_every_name_of_the_running_standard_one():
    """Every name in dir(logging.config) of this Python is in dir(femtologging.config)."""
    missing = set(dir(standard_config)) - set(dir(femtologging.config))
    assert missing == set()
    assert (
        femtologging.config.DEFAULT_LOGGING_CONFIG_PORT
        == standard_config.DEFAULT_LOGGING_CONFIG_PORT
    )
    assert femtologging.config.RESET_ERROR == standard_config.RESET_ERROR
    assert femtologging.config.dictConfigClass is femtologging.config.DictConfigurator
    assert femtologging.config.logging is femtologging


def test_import_makes_config_an_attribute_of_the_package():
    """`import femtologging.config` leaves `femtologging.config` reachable as logging.config is."""
    assert femtologging.config.dictConfig is sys.modules["femtologging.config"].dictConfig


def test_standard_class_paths_build_femtologging_classes(tmp_path):
    """logging.X paths, and the real logging's classes as objects, build femtologging's."""
    femtologging.config.dictConfig(
        {
            "version": 1,
            "formatters": {"f": {"class": "logging.Formatter", "format": "%(message)s"}},
            "filters": {"only": {"name": "app"}},
            "handlers": {
                "rotating": {
                    "class": "logging.handlers.RotatingFileHandler",
                    "filename": str(tmp_path / "r.log"),
                    "maxBytes": 1000,
                    "formatter": "f",
                    "filters": ["only"],
                },
                "stream": {"class": standard_logging.StreamHandler, "stream": "ext://sys.stdout"},
            },
            "root": {"handlers": ["rotating", "stream"]},
        }
    )
    rotating, stream = femtologging.root.handlers
    assert type(rotating) is femtologging.handlers.RotatingFileHandler
    assert type(rotating.formatter) is femtologging.Formatter
    assert type(rotating.filters[0]) is femtologging.Filter
    assert type(stream) is femtologging.StreamHandler
    femtologging.getLogger("app.x").warning("kept")
    femtologging.getLogger("other").warning("filtered out")
    assert _lines(tmp_path / "r.log") == ["kept"]


BAD_HANDLERS = [
    pytest.param(
        {"class": "logging.NoSuchHandler"},
        ValueError,
        "Cannot resolve 'logging.NoSuchHandler'",
        id="unknown-handler-class",
    ),
    pytest.param(
        {"class": "no_such_package.Handler"},
        ValueError,
        "No module named 'no_such_package'",
        id="class-path-that-does-not-import",
    ),
    pytest.param(
        {"class": "logging.StreamHandler", "formatter": "absent"},
        ValueError,
        "Unable to set formatter 'absent'",
        id="missing-formatter",
    ),
    pytest.param(
        {"class": "logging.StreamHandler", "filters": ["absent"]},
        ValueError,
        "Unable to add filter 'absent'",
        id="missing-filter",
    ),
    pytest.param(
        {"class": "logging.StreamHandler", "stream": "cfg://loop_a"},
        ValueError,
        "Circular cfg:// reference: cfg://loop_a -> cfg://loop_b -> cfg://loop_a",
        id="circular-cfg",
    ),
    pytest.param(
        {"class": "logging.StreamHandler", "level": 2.5},
        TypeError,
        "Level not an integer or a valid string: 2.5",
        id="level-of-a-wrong-type",
    ),
    pytest.param(
        {"class": "logging.StreamHandler", "level": "LOUD"},
        ValueError,
        "Unknown level: 'LOUD'",
        id="unknown-level-name",
    ),
    pytest.param(
        {"class": "logging.FileHandler", "filename": "x.log", "colour": "red"},
        TypeError,
        "unexpected keyword argument 'colour'",
        id="unknown-constructor-keyword",
    ),
    pytest.param(
        {"class": "logging.handlers.MemoryHandler", "capacity": 5, "target": "absent"},
        ValueError,
        "Unable to set target handler 'absent'",
        id="missing-target",
    ),
    pytest.param(
        {"level": "INFO"},
        ValueError,
        "a handler needs a 'class' or a '()' key",
        id="no-class",
    ),
]


@pytest.mark.parametrize(("handler", "cause_type", "cause_text"), BAD_HANDLERS)
def test_a_bad_handler_is_refused_and_the_previous_configuration_still_writes(
    tmp_path, monkeypatch, handler, cause_type, cause_text
):
    """A bad handler raises ValueError naming it and the fault; the old handler writes on."""
    monkeypatch.chdir(tmp_path)
    log = tmp_path / "before.log"
    femtologging.config.dictConfig(_good_configuration(log))
    femtologging.getLogger("app").info("before")
    bad = {
        "version": 1,
        "loop_a": "cfg://loop_b",
        "loop_b": "cfg://loop_a",
        "formatters": {"plain": {"format": "%(message)s"}},
        "handlers": {
            "good": {"class": "logging.FileHandler", "filename": str(tmp_path / "new.log")},
            "bad": handler,
        },
        "loggers": {"app": {"handlers": ["good", "bad"], "level": "DEBUG"}},
    }
    with pytest.raises(ValueError, match="^Unable to configure handler 'bad'$") as raised:
        femtologging.config.dictConfig(bad)
    assert isinstance(raised.value.__cause__, cause_type)
    assert cause_text in str(raised.value.__cause__)
    femtologging.getLogger("app").info("after")
    femtologging.getLogger("app").debug("still at INFO")
    assert _lines(log) == ["app INFO before", "app INFO after"]
    assert femtologging._handlers["file"].baseFilename == str(log)
    assert "good" not in femtologging._handlers


@pytest.mark.parametrize(
    ("change", "message", "cause_text"),
    [
        (
            {"loggers": {"app": {"handlers": ["absent"]}}},
            "Unable to configure logger 'app'",
            "Unable to add handler 'absent'",
        ),
        (
            {"loggers": {"app": {"level": ["INFO"]}}},
            "Unable to configure logger 'app'",
            "Level not an integer",
        ),
        (
            {"loggers": {"app": {"filters": ["absent"]}}},
            "Unable to configure logger 'app'",
            "Unable to add filter 'absent'",
        ),
        ({"root": {"level": "LOUD"}}, "Unable to configure root logger", "Unknown level: 'LOUD'"),
        (
            {"formatters": {"f": {"format": "%(message", "validate": True}}},
            "Unable to configure formatter 'f'",
            "Invalid format",
        ),
        (
            {"filters": {"f": {"()": "no_such_package.Filter"}}},
            "Unable to configure filter 'f'",
            "Cannot resolve",
        ),
        (
            {
                "handlers": {
                    "a": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "b"},
                    "b": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "a"},
                }
            },
            "Unable to configure handler 'b'",
            "handlers refer to each other in a circle: a -> b -> a",
        ),
    ],
)
def test_a_bad_logger_formatter_or_filter_leaves_the_loggers_as_they_were(
    tmp_path, change, message, cause_text
):
    """A failure after some loggers were changed puts every logger back as it was."""
    log = tmp_path / "before.log"
    femtologging.config.dictConfig(_good_configuration(log))
    femtologging.getLogger("app.child").setLevel("ERROR")
    bad = {
        "version": 1,
        "loggers": {"app.child": {"level": "DEBUG"}, "fresh": {"level": "DEBUG"}},
        **change,
    }
    if "loggers" in change:
        bad["loggers"] = {
            "app.child": {"level": "DEBUG"},
            "fresh": {"level": "DEBUG"},
            **change["loggers"],
        }
    with pytest.raises(ValueError) as raised:
        femtologging.config.dictConfig(bad)
    assert str(raised.value) == message
    assert cause_text in str(raised.value.__cause__)
    assert femtologging.getLogger("app.child").level == femtologging.ERROR
    assert femtologging.getLogger("fresh").level == femtologging.NOTSET
    femtologging.getLogger("app").info("after")
    assert _lines(log) == ["app INFO after"]


def test_version_and_incremental_errors_are_the_standard_ones(tmp_path):
    """A bad version, or an unknown handler in an incremental update, raises ValueError."""
    femtologging.config.dictConfig(_good_configuration(tmp_path / "a.log"))
    with pytest.raises(ValueError, match="^dictionary doesn't specify a version$"):
        femtologging.config.dictConfig({})
    with pytest.raises(ValueError, match="^Unsupported version: 2$"):
        femtologging.config.dictConfig({"version": 2})
    with pytest.raises(ValueError, match="^No handler found with name 'absent'$"):
        femtologging.config.dictConfig(
            {"version": 1, "incremental": True, "handlers": {"absent": {"level": "INFO"}}}
        )
    femtologging.getLogger("app").info("still configured")
    assert _lines(tmp_path / "a.log") == ["app INFO still configured"]


def test_a_successful_configuration_closes_the_handlers_it_replaces(tmp_path):
    """The old handlers are closed once the new configuration is in force."""
    femtologging.config.dictConfig(_good_configuration(tmp_path / "a.log"))
    old = femtologging._handlers["file"]
    femtologging.config.dictConfig(_good_configuration(tmp_path / "b.log"))
    assert old.stream is None
    assert femtologging._handlers["file"] is not old
    femtologging.getLogger("app").info("to b")
    assert _lines(tmp_path / "b.log") == ["app INFO to b"]
    assert _lines(tmp_path / "a.log") == []


def test_femto_handlers_and_builders_are_configured_by_their_keys(tmp_path):
    """Femto handlers take their constructor keys, builders their with_* options."""
    femtologging.config.dictConfig(
        {
            "version": 1,
            "formatters": {"plain": {"format": "%(levelname)s %(message)s"}},
            "handlers": {
                "direct": {
                    "class": "femtologging.FemtoFileHandler",
                    "path": str(tmp_path / "direct.log"),
                    "capacity": 64,
                    "policy": "block",
                    "formatter": "plain",
                },
                "built": {
                    "()": "femtologging.FileHandlerBuilder",
                    "path": str(tmp_path / "built.log"),
                    "capacity": 32,
                    "flush_interval": 4,
                    "overflow_policy": "block",
                    "level": "WARNING",
                },
                "rolled": {
                    "class": "femtologging.RotatingFileHandlerBuilder",
                    "path": str(tmp_path / "rolled.log"),
                    "max_bytes": 40,
                    "backup_count": 2,
                    "overflow_policy": "block",
                },
                "options": {
                    "class": "femtologging.FemtoRotatingFileHandler",
                    "path": str(tmp_path / "options.log"),
                    "options": {"capacity": 16, "policy": "block", "rotation": [40, 1]},
                },
            },
            "root": {"handlers": ["direct", "built", "rolled", "options"], "level": "INFO"},
            "disable_existing_loggers": False,
        }
    )
    for number in range(4):
        femtologging.getLogger("app").warning("line number %d", number)
    femtologging.getLogger("app").info("info is below built's level")
    handlers = femtologging.root.handlers
    assert [type(handler).__name__ for handler in handlers] == [
        "FemtoFileHandler",
        "FemtoFileHandler",
        "FemtoRotatingFileHandler",
        "FemtoRotatingFileHandler",
    ]
    for handler in handlers:
        assert handler.flush()
    assert _lines(tmp_path / "direct.log") == [f"WARNING line number {n}" for n in range(4)] + [
        "INFO info is below built's level"
    ]
    assert _lines(tmp_path / "built.log") == [f"app [WARNING] line number {n}" for n in range(4)]
    # 40 bytes hold one line: the last three survive in two backups.
    rolled = [_lines(tmp_path / name) for name in ("rolled.log.2", "rolled.log.1", "rolled.log")]
    assert rolled == [
        ["app [WARNING] line number 2"],
        ["app [WARNING] line number 3"],
        ["app [INFO] info is below built's level"],
    ]
    assert (tmp_path / "options.log.1").exists()
    assert not (tmp_path / "options.log.2").exists()


def test_a_builder_refuses_an_option_it_does_not_have(tmp_path):
    """An unknown key for a builder names the builder and the key."""
    with pytest.raises(ValueError, match="^Unable to configure handler 'b'$") as raised:
        femtologging.config.dictConfig(
            {
                "version": 1,
                "handlers": {
                    "b": {
                        "()": "femtologging.FileHandlerBuilder",
                        "path": str(tmp_path / "b.log"),
                        "colour": 1,
                    }
                },
            }
        )
    assert (
        str(raised.value.__cause__)
        == "FileHandlerBuilder has no option 'colour' (no with_colour method)"
    )


INI = """\
[loggers]
keys=root

[handlers]
keys=file

[formatters]
keys=plain

[logger_root]
level=INFO
handlers=file

[handler_file]
class=FileHandler
formatter=plain
args=('%(path)s',)

[formatter_plain]
format=%(levelname)s %(message)s
"""


def test_file_config_failures_leave_the_previous_configuration_writing(tmp_path):
    """A bad INI file raises the standard error, and the old handler writes on."""
    log = tmp_path / "before.log"
    femtologging.config.fileConfig(
        _ini(tmp_path, INI), defaults={"path": str(log)}, disable_existing_loggers=False
    )
    empty = _ini(tmp_path, "", "empty.ini")
    garbage = _ini(tmp_path, "no section here\n", "garbage.ini")
    undecodable = tmp_path / "latin.ini"
    undecodable.write_bytes(b"[loggers]\nkeys=r\xe9sum\xe9\n")
    incomplete = _ini(tmp_path, INI.replace("[handler_file]", "[handler_other]"), "incomplete.ini")
    attempts = [
        (tmp_path / "missing.ini", FileNotFoundError, "missing.ini doesn't exist"),
        (empty, RuntimeError, "empty.ini is an empty file"),
        (garbage, RuntimeError, "garbage.ini is invalid: File contains no section headers."),
        (undecodable, UnicodeDecodeError, "can't decode byte 0xe9"),
        (incomplete, KeyError, "handler_file"),
    ]
    for path, error_type, text in attempts:
        with pytest.raises(error_type) as raised:
            femtologging.config.fileConfig(
                str(path), defaults={"path": str(tmp_path / "new.log")}, encoding="utf-8"
            )
        assert text in str(raised.value)
        femtologging.getLogger("app").info("after %s", path.name)
    assert _lines(log) == [f"INFO after {path.name}" for path, _, _ in attempts]
    assert not (tmp_path / "new.log").exists() or _lines(tmp_path / "new.log") == []


def _ini(folder, text, name="logging.ini"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _send(port, payload):
    with socket.create_connection(("localhost", port), timeout=5) as connection:
        connection.sendall(struct.pack(">L", len(payload)) + payload)
        connection.shutdown(socket.SHUT_WR)
        connection.recv(1)


@pytest.fixture
def listener():
    """A configuration server on a free port, stopped after the test."""
    started = []

    def start(verify=None):
        thread = femtologging.config.listen(0, verify=verify)
        thread.start()
        assert thread.ready.wait(5)
        started.append(thread)
        return thread

    yield start
    femtologging.config.stopListening()
    for thread in started:
        thread.join(5)
        assert not thread.is_alive()


def test_listen_applies_a_json_dictionary_and_an_ini_file(tmp_path, listener):
    """A JSON configuration sent is applied by dictConfig, an INI one by fileConfig."""
    thread = listener()
    _send(thread.port, json.dumps(_good_configuration(tmp_path / "json.log")).encode())
    femtologging.getLogger("app").info("configured over the socket")
    assert _lines(tmp_path / "json.log") == ["app INFO configured over the socket"]
    _send(thread.port, INI.replace("%(path)s", str(tmp_path / "ini.log")).encode())
    femtologging.getLogger().warning("through the INI root")
    assert _lines(tmp_path / "ini.log") == ["WARNING through the INI root"]


def test_listen_reports_garbage_and_keeps_the_configuration(tmp_path, listener, capfd):
    """Garbage, a short frame and a failing configuration are reported; old handlers write on."""
    femtologging.config.dictConfig(_good_configuration(tmp_path / "kept.log"))
    thread = listener()
    _send(thread.port, b"\xff\xfe not text at all")
    _send(thread.port, json.dumps({"version": 1, "handlers": {"h": {"class": "no.Such"}}}).encode())
    with socket.create_connection(("localhost", thread.port), timeout=5) as connection:
        connection.sendall(struct.pack(">L", 1000) + b"short")
        connection.shutdown(socket.SHUT_WR)
        connection.recv(1)
    femtologging.getLogger("app").info("still here")
    assert _lines(tmp_path / "kept.log") == ["app INFO still here"]
    err = capfd.readouterr().err
    assert "UnicodeDecodeError" in err
    assert "ValueError: Unable to configure handler 'h'" in err
    assert "5 of the announced 1000 bytes arrived" in err


def test_listen_verify_refuses_or_transforms_what_arrives(tmp_path, listener):
    """verify returning None discards a configuration; what it returns is what is applied."""
    femtologging.config.dictConfig(_good_configuration(tmp_path / "kept.log"))
    signature = b"signed:"

    def verify(payload):
        return payload[len(signature) :] if payload.startswith(signature) else None

    thread = listener(verify)
    _send(thread.port, json.dumps(_good_configuration(tmp_path / "unsigned.log")).encode())
    femtologging.getLogger("app").info("unsigned refused")
    _send(
        thread.port, signature + json.dumps(_good_configuration(tmp_path / "signed.log")).encode()
    )
    femtologging.getLogger("app").info("signed applied")
    assert _lines(tmp_path / "kept.log") == ["app INFO unsigned refused"]
    assert not (tmp_path / "unsigned.log").exists()
    assert _lines(tmp_path / "signed.log") == ["app INFO signed applied"]
