"""Level names and numbers, thresholds and the global disable switch."""

from ._harness import differential


@differential
def test_custom_level_names_are_used_in_output_and_lookups(logging):
    """addLevelName registers a custom level that renders by name and resolves both ways."""
    import sys

    logging.addLevelName(25, "NOTICE")
    logging.addLevelName(5, "TRACE")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(levelno)s %(levelname)s %(message)s"))
    logger = logging.getLogger("custom")
    logger.addHandler(handler)
    logger.setLevel("TRACE")
    logger.log(25, "noticed")
    logger.log(5, "traced")
    logger.log(7, "unnamed")
    print(logging.getLevelName(25), logging.getLevelName("NOTICE"), logging.getLevelName(5))


@differential
def test_get_level_name_maps_both_ways_and_describes_unknown_levels(logging):
    """getLevelName maps names to numbers, numbers to names, and anything else to 'Level %s'."""
    for value in (0, 10, 20, 30, 40, 50, 15, 99, "DEBUG", "INFO", "WARN", "FATAL", "nope", None):
        print(repr(value), repr(logging.getLevelName(value)))
    print(logging.WARN, logging.FATAL, logging.NOTSET)


@differential
def test_level_names_mapping_is_a_fresh_copy(logging):
    """getLevelNamesMapping returns every registered name and a copy that can be mutated."""
    logging.addLevelName(35, "LOUD")
    mapping = logging.getLevelNamesMapping()
    print(sorted(mapping.items()))
    mapping["EXTRA"] = 1
    print("EXTRA" in logging.getLevelNamesMapping(), type(mapping).__name__)


@differential
def test_set_level_accepts_names_and_rejects_unknown_ones(logging):
    """setLevel accepts registered names and raises the same errors for unknown names or types."""
    logger = logging.getLogger("levels")
    for level in ("DEBUG", "ERROR", 15, "warning", "Level 5", 3.5, None, [10]):
        try:
            logger.setLevel(level)
        except Exception as error:
            print(repr(level), type(error).__name__, error)
        else:
            print(repr(level), logger.level, logger.getEffectiveLevel())


@differential
def test_disable_suppresses_levels_up_to_the_threshold(logging):
    """disable(level) silences that level and below everywhere until disable(NOTSET)."""
    import sys

    logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format="%(levelname)s %(message)s")
    logger = logging.getLogger("switch")
    logging.disable(logging.INFO)
    logger.info("hidden")
    logger.warning("shown")
    print(logger.isEnabledFor(logging.INFO), logging.root.manager.disable)
    logging.disable()
    logger.critical("also hidden")
    print(logger.isEnabledFor(logging.CRITICAL), logging.root.manager.disable)
    logging.disable(logging.NOTSET)
    logger.debug("back again")
    logging.disable("WARNING")
    logger.warning("hidden by name")
    logger.error("shown past a named threshold")


@differential
def test_effective_level_is_inherited_and_the_cache_follows_changes(logging):
    """A NOTSET logger inherits its effective level and sees later changes to its ancestors."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(name)s:%(levelname)s:%(message)s")
    child = logging.getLogger("a.b.c")
    print(child.level, child.getEffectiveLevel(), child.isEnabledFor(logging.INFO))
    child.info("dropped")
    logging.getLogger("a").setLevel(logging.INFO)
    print(child.getEffectiveLevel(), child.isEnabledFor(logging.INFO))
    child.info("kept after parent lowered")
    logging.getLogger("a.b").setLevel(logging.ERROR)
    child.warning("dropped by the nearer ancestor")
    child.error("kept")
    logging.root.setLevel(logging.DEBUG)
    logging.getLogger("a").setLevel(logging.NOTSET)
    logging.getLogger("a.b").setLevel(logging.NOTSET)
    child.debug("kept once everything is NOTSET below root")


@differential
def test_log_requires_an_integer_level(logging):
    """Logger.log with a non-integer level raises TypeError 'level must be an integer'."""
    # Registered level names ("INFO") are left out: femtologging's log()
    # takes them, as its asynchronous API promises; other strings still raise.
    import sys

    logging.basicConfig(stream=sys.stdout)
    for level in ("10", "info", 30.0, None):
        try:
            logging.getLogger("typed").log(level, "message")
        except TypeError as error:
            print(repr(level), error)
    logging.raiseExceptions = False
    logging.getLogger("typed").log("10", "silently ignored")
    print("done")


@differential
def test_renaming_a_standard_level_changes_every_record(logging):
    """addLevelName on a standard level renames it in output and in name lookups."""
    import sys

    logging.addLevelName(logging.WARNING, "WARN")
    logging.basicConfig(stream=sys.stdout, format="%(levelname)s|%(message)s")
    logging.warning("renamed")
    print(logging.getLevelName("WARN"), logging.getLevelName("WARNING"), logging.getLevelName(30))


@differential
def test_level_aliases_and_shortcuts_log_at_the_right_level(logging):
    """fatal is critical, warn is a deprecated warning, and module functions use the root."""
    import sys
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    logging.basicConfig(stream=sys.stdout, level=1, format="%(levelname)s %(name)s %(message)s")
    logger = logging.getLogger("alias")
    logger.fatal("fatal")
    logger.warn("warn")
    logging.fatal("module fatal")
    logging.log(logging.INFO, "module log")
    logging.debug("module debug")
    logging.info("module info")
    logging.error("module error")
    logging.critical("module critical")


@differential
def test_handler_level_filters_after_logger_level(logging):
    """A record must pass both the logger's and each handler's level to be emitted there."""
    import io

    logger = logging.getLogger("two.thresholds")
    logger.setLevel(logging.INFO)
    loud, quiet = io.StringIO(), io.StringIO()
    loud_handler = logging.StreamHandler(loud)
    quiet_handler = logging.StreamHandler(quiet)
    quiet_handler.setLevel("ERROR")
    logger.addHandler(loud_handler)
    logger.addHandler(quiet_handler)
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        logger.log(level, logging.getLevelName(level))
    print(repr(loud.getvalue()))
    print(repr(quiet.getvalue()))
    print(quiet_handler.level, repr(quiet_handler))


@differential
def test_level_tables_edited_between_calls_are_read_on_the_next_call(logging):
    """Editing _levelToName and _nameToLevel directly changes the next record's levelname."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tables")
    logger.addHandler(handler)
    logger.setLevel(1)
    for round_number in range(3):
        logger.info("before %d", round_number)
        logging._levelToName[20] = f"INFO{round_number}"
        logger.info("renamed %d", round_number)
        del logging._levelToName[20]
        logger.info("by number %d", round_number)
        logging._nameToLevel[20] = 20
        logger.info("from the other table %d", round_number)
        del logging._nameToLevel[20]
        logging.addLevelName(20, "INFO")
        logger.log(21, "unregistered %d", round_number)
