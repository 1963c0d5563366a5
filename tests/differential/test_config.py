"""Configuration through logging.config: dictConfig and fileConfig."""

from ._harness import differential


@differential(requires=("config",))
def test_dict_config_builds_formatters_handlers_and_loggers(logging):
    """dictConfig wires formatters, handlers, filters, loggers and the root as described."""
    logging.config.dictConfig(
        {
            "version": 1,
            "formatters": {
                "short": {"format": "%(levelname)s %(name)s: %(message)s"},
                "brace": {"format": "{name}|{message}", "style": "{"},
            },
            "filters": {"only_db": {"name": "app.db"}},
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": "short",
                    "stream": "ext://sys.stdout",
                    "level": "INFO",
                },
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "brace",
                    "filename": "configured.log",
                    "filters": ["only_db"],
                },
            },
            "loggers": {"app": {"level": "DEBUG", "handlers": ["file"]}},
            "root": {"level": "WARNING", "handlers": ["console"]},
        }
    )
    logging.getLogger("app.db").debug("debug goes to the file only")
    logging.getLogger("app.web").info("web info to console, not the file")
    logging.getLogger("other").info("dropped by the root level")
    logging.getLogger("other").warning("root warning")
    print(sorted(type(handler).__name__ for handler in logging.root.handlers))


@differential(requires=("config",))
def test_dict_config_disables_existing_loggers_unless_told_otherwise(logging):
    """dictConfig disables earlier loggers unless disable_existing_loggers is False."""
    import sys

    early = logging.getLogger("early")
    early_child = logging.getLogger("kept.child")
    config = {
        "version": 1,
        "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
        "loggers": {"kept": {}},
        "root": {"handlers": ["out"], "level": "INFO"},
    }
    logging.config.dictConfig(config)
    early.warning("early is disabled")
    early_child.warning("children of configured loggers stay enabled")
    print(early.disabled, early_child.disabled, file=sys.stdout)
    logging.config.dictConfig({**config, "disable_existing_loggers": False})
    print(early.disabled)


@differential(requires=("config",))
def test_dict_config_errors_name_the_failing_component(logging):
    """dictConfig raises ValueError naming the handler, formatter or version at fault."""
    attempts = [
        {},
        {"version": 2},
        {"version": 1, "handlers": {"bad": {"class": "no.such.Handler"}}},
        {"version": 1, "handlers": {"bad": {"class": "logging.StreamHandler", "level": "LOUD"}}},
        {"version": 1, "formatters": {"f": {"format": "%(message", "validate": True}}},
        {"version": 1, "loggers": {"x": {"handlers": ["missing"]}}},
    ]
    for config in attempts:
        try:
            logging.config.dictConfig(config)
        except Exception as error:
            print(type(error).__name__, str(error).split("\n")[0])
            print("  caused by", type(error.__cause__).__name__)
        else:
            print("accepted", config)


@differential(requires=("config",))
def test_dict_config_incremental_only_adjusts_levels(logging):
    """An incremental dictConfig changes levels of existing loggers and handlers only."""
    import sys

    logging.config.dictConfig(
        {
            "version": 1,
            "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
            "root": {"handlers": ["out"], "level": "ERROR"},
        }
    )
    logging.warning("hidden")
    logging.config.dictConfig(
        {"version": 1, "incremental": True, "root": {"level": "DEBUG"}, "handlers": {}}
    )
    logging.info("shown after the incremental change")
    print(logging.root.level, len(logging.root.handlers), file=sys.stdout)


@differential(requires=("config",))
def test_file_config_reads_an_ini_file(logging):
    """fileConfig builds loggers, handlers and formatters from an ini file."""
    with open("logging.ini", "w") as ini:
        ini.write(
            "[loggers]\nkeys=root,app\n\n"
            "[handlers]\nkeys=console\n\n"
            "[formatters]\nkeys=plain\n\n"
            "[logger_root]\nlevel=WARNING\nhandlers=console\n\n"
            "[logger_app]\nlevel=DEBUG\nhandlers=\nqualname=app\n\n"
            "[handler_console]\nclass=StreamHandler\nformatter=plain\nargs=(sys.stdout,)\n\n"
            "[formatter_plain]\nformat=%(levelname)s|%(name)s|%(message)s\n"
        )
    logging.config.fileConfig("logging.ini")
    logging.getLogger("app.module").debug("debug through app")
    logging.getLogger("other").info("hidden")
    logging.getLogger("other").error("error through root")


@differential(requires=("config",))
def test_dict_config_resolves_references_factories_and_attributes(logging):
    """ext:// and cfg:// references, () factories, . attributes and callable filters work."""

    class Tagger:
        def __init__(self, tag):
            self.tag = tag

        def filter(self, record):
            record.tag = self.tag
            return True

    def make_formatter(fmt, prefix):
        return logging.Formatter(prefix + fmt)

    logging.config.dictConfig(
        {
            "version": 1,
            "settings": {"stream": "ext://sys.stdout", "formats": ["%(tag)s %(message)s"]},
            "formatters": {
                "made": {"()": make_formatter, "fmt": "cfg://settings.formats[0]", "prefix": "> "},
                "brace": {"format": "{levelname}:{message}", "style": "{", "validate": True},
            },
            "filters": {"tag": {"()": Tagger, "tag": "T1"}},
            "handlers": {
                "out": {
                    "class": "logging.StreamHandler",
                    "stream": "cfg://settings.stream",
                    "formatter": "made",
                    "filters": ["tag", lambda record: "secret" not in record.getMessage()],
                    ".": {"terminator": " <\n"},
                },
                "brace": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": "brace",
                },
            },
            "loggers": {"app": {"handlers": ["out"], "level": "INFO", "propagate": False}},
            "root": {"handlers": ["brace"], "level": "WARNING"},
        }
    )
    logging.getLogger("app").info("hello %s", "world")
    logging.getLogger("app").info("a secret stays out")
    logging.getLogger("other").error("through the root")


@differential(requires=("config",))
def test_dict_config_builds_a_memory_handler_before_its_target(logging):
    """A MemoryHandler whose target sorts after it is built and flushes into it."""
    logging.config.dictConfig(
        {
            "version": 1,
            "formatters": {"plain": {"format": "%(levelname)s %(message)s"}},
            "handlers": {
                "a_buffer": {
                    "class": "logging.handlers.MemoryHandler",
                    "capacity": 10,
                    "flushLevel": 40,
                    "target": "z_console",
                },
                "z_console": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": "plain",
                },
            },
            "root": {"handlers": ["a_buffer"], "level": "DEBUG"},
        }
    )
    logging.info("held")
    print("nothing yet")
    logging.error("flushes both")
    print(type(logging.root.handlers[0].target).__name__)


@differential(requires=("config",), min_version=(3, 13))
def test_dict_config_takes_a_memory_handler_flush_level_by_name(logging):
    """From 3.13 a MemoryHandler's flushLevel may be a level's name."""
    logging.config.dictConfig(
        {
            "version": 1,
            "handlers": {
                "buffer": {
                    "class": "logging.handlers.MemoryHandler",
                    "capacity": 10,
                    "flushLevel": "WARNING",
                    "target": "out",
                },
                "out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
            },
            "root": {"handlers": ["buffer"], "level": "DEBUG"},
        }
    )
    logging.info("held until the warning")
    print("before", logging.root.handlers[0].flushLevel)
    logging.warning("flushes")


@differential(requires=("config",), min_version=(3, 12))
def test_dict_config_makes_a_queue_handler_with_its_listener(logging):
    """A QueueHandler gets a queue and a listener serving the named handlers (3.12+)."""
    logging.config.dictConfig(
        {
            "version": 1,
            "handlers": {
                "queued": {
                    "class": "logging.handlers.QueueHandler",
                    "handlers": ["out"],
                    "respect_handler_level": True,
                },
                "out": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "level": "INFO",
                },
                "sized": {
                    "class": "logging.handlers.QueueHandler",
                    "queue": {"()": "queue.Queue", "maxsize": 3},
                },
            },
            "root": {"handlers": ["queued"], "level": "DEBUG"},
        }
    )
    queued = logging.getHandlerByName("queued")
    queued.listener.start()
    logging.debug("below the handler's level")
    logging.warning("through the queue")
    queued.listener.stop()
    print(type(queued.queue).__name__, queued.listener.respect_handler_level)
    print(logging.getHandlerByName("sized").queue.maxsize)


@differential(requires=("config",))
def test_file_config_takes_a_parser_a_file_object_and_defaults(logging):
    """fileConfig reads a parser or a file object; defaults fill args, not formats."""
    import configparser
    import io

    text = (
        "[loggers]\nkeys=root\n\n[handlers]\nkeys=out,file\n\n[formatters]\nkeys=plain\n\n"
        "[logger_root]\nlevel=%(level)s\nhandlers=out,file\n\n"
        "[handler_out]\nclass=StreamHandler\nformatter=plain\nargs=(sys.stdout,)\n\n"
        "[handler_file]\nclass=handlers.RotatingFileHandler\nformatter=plain\n"
        "args=(%(logfile)r, 'a')\nkwargs={'maxBytes': 60, 'backupCount': 2}\n\n"
        "[formatter_plain]\nformat=%(levelname)s|%(message)s\n"
    )
    logging.config.fileConfig(
        io.StringIO(text), defaults={"level": "INFO", "logfile": "rolled.log"}
    )
    for number in range(6):
        logging.info("line %d of the file object", number)
    parser = configparser.ConfigParser({"level": "ERROR", "logfile": "other.log"})
    parser.read_string(text)
    logging.config.fileConfig(parser)
    logging.warning("hidden at ERROR")
    logging.error("shown at ERROR")


@differential(requires=("config",))
def test_file_config_reports_missing_empty_and_invalid_files(logging):
    """fileConfig raises FileNotFoundError, RuntimeError and KeyError as the standard one."""
    import io

    with open("empty.ini", "w"):
        pass
    with open("garbage.ini", "w") as garbage:
        garbage.write("this is not ini\n")
    for source in (
        "missing.ini",
        "empty.ini",
        "garbage.ini",
        io.StringIO("[loggers]\nkeys=root\n"),
    ):
        try:
            logging.config.fileConfig(source)
        except Exception as error:
            print(type(error).__name__, str(error).splitlines()[0].replace(repr(source), "<file>"))


@differential(requires=("config",), patterns=(r"\d\d/\w{3}/\d{4} \d\d:\d\d:\d\d(,\d{3})?",))
def test_django_default_logging_applies_unchanged(logging):
    """Django's DEFAULT_LOGGING, unchanged, writes django and django.server lines as logging."""
    from django.conf import settings

    settings.configure(DEBUG=True)
    from django.utils.log import DEFAULT_LOGGING

    logging.config.dictConfig(DEFAULT_LOGGING)
    logging.getLogger("django").info("debug info %s", 1)
    logging.getLogger("django.request").error("Internal Server Error: %s", "/boom")
    logging.getLogger("django.server").info(
        '"%s" %s %s', "GET / HTTP/1.1", "200", "12", extra={"status_code": 200}
    )
    logging.getLogger("django.server").warning(
        '"%s" %s %s', "GET /missing HTTP/1.1", "404", "0", extra={"status_code": 404}
    )
    logging.getLogger("app").warning("an unconfigured logger goes to lastResort")


@differential(requires=("config",))
def test_django_default_logging_without_debug_keeps_the_console_quiet(logging):
    """With DEBUG off, Django's require_debug_true filter keeps the console handler silent."""
    from django.conf import settings

    settings.configure(DEBUG=False, ADMINS=[])
    from django.utils.log import DEFAULT_LOGGING

    logging.config.dictConfig(DEFAULT_LOGGING)
    logging.getLogger("django").info("hidden without DEBUG")
    logging.getLogger("django").error("mailed to no admin")
    print(sorted(handler.name for handler in logging.getLogger("django").handlers))


@differential(requires=("config",))
def test_uvicorn_logging_config_applies_unchanged(logging):
    """uvicorn's LOGGING_CONFIG, unchanged, writes its default and access lines as with logging."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    logging.config.dictConfig(copy.deepcopy(LOGGING_CONFIG))
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/items?id=3", "1.1", 200
    )
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", "/missing", "1.1", 404
    )
    logging.getLogger("uvicorn").error("Application startup failed. Exiting.")


@differential(requires=("config",))
def test_file_config_sets_targets_qualnames_and_disables_other_loggers(logging):
    """fileConfig wires a target, qualname and propagate, and disables loggers it does not name."""
    early = logging.getLogger("early")
    kept_child = logging.getLogger("svc.child")
    kept_child.setLevel("ERROR")
    with open("logging.ini", "w") as ini:
        ini.write(
            "[loggers]\nkeys=root,svc\n\n"
            "[handlers]\nkeys=buffer,out\n\n"
            "[formatters]\nkeys=plain\n\n"
            "[logger_root]\nlevel=WARNING\nhandlers=out\n\n"
            "[logger_svc]\nlevel=DEBUG\nhandlers=buffer\nqualname=svc\npropagate=0\n\n"
            "[handler_buffer]\nclass=handlers.MemoryHandler\nargs=(10, ERROR)\ntarget=out\n\n"
            "[handler_out]\nclass=logging.StreamHandler\nformatter=plain\nargs=(sys.stdout,)\n\n"
            "[formatter_plain]\nformat=%(name)s %(levelname)s %(message)s\n"
        )
    logging.config.fileConfig("logging.ini")
    early.warning("disabled")
    kept_child.debug("the child of a named logger is reset and passes")
    logging.getLogger("svc").info("held in the buffer")
    print("before the error")
    logging.getLogger("svc").error("flushes the buffer")
    print(early.disabled, kept_child.level, kept_child.disabled)
