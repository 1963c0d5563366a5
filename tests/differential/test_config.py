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
