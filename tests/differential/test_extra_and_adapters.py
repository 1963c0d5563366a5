"""The extra mapping and LoggerAdapter."""

from ._harness import differential


@differential
def test_extra_fields_become_record_attributes(logging):
    """Keys of extra become record attributes usable by formats in every style."""
    import sys

    logger = logging.getLogger("extra")
    for fmt, style in (("%(user)s %(ip)s %(message)s", "%"), ("{user} {ip!r} {message}", "{")):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(fmt, style=style))
        logger.addHandler(handler)
    logger.warning("login", extra={"user": "alice", "ip": "10.0.0.1"})


@differential
def test_extra_may_not_overwrite_message_asctime_or_record_attributes(logging):
    """extra keys that clash with message, asctime or a record attribute raise KeyError."""
    import sys

    logging.basicConfig(stream=sys.stdout)
    for key in ("message", "asctime", "lineno", "name", "msg", "args", "levelname", "exc_info"):
        try:
            logging.getLogger("clash").warning("text", extra={key: "x"})
        except KeyError as error:
            print(type(error).__name__, error)


@differential
def test_extra_clash_propagates_as_an_uncaught_traceback(logging):
    """An uncaught KeyError from extra ends the program with exit code 1 and a traceback."""
    logging.getLogger("clash").warning("text", extra={"message": "boom"})


@differential
def test_extra_accepts_keys_that_are_not_identifiers(logging):
    """Non-identifier and non-clashing keys in extra are stored and reachable by getattr."""
    import sys

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(weird key)s|%(message)s", defaults={"weird key": "-"})
    )
    logger = logging.getLogger("keys")
    logger.addHandler(handler)

    class Capture(logging.Filter):
        def filter(self, record):
            print(getattr(record, "weird key", "absent"), getattr(record, "taskName", None))
            return True

    logger.addFilter(Capture())
    logger.warning("odd", extra={"weird key": 1})
    logger.warning("none", extra=None)


@differential
def test_adapter_injects_its_extra_and_ignores_the_callers(logging):
    """LoggerAdapter.process replaces the call's extra with the adapter's extra."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(request)s %(message)s")
    adapter = logging.LoggerAdapter(logging.getLogger("web"), {"request": "req-1"})
    adapter.warning("handled")
    adapter.warning("caller extra is dropped", extra={"request": "other"})
    print(adapter.process("msg", {"exc_info": True}))


@differential(min_version=(3, 13))
def test_adapter_merges_extra_when_asked(logging):
    """LoggerAdapter(merge_extra=True) merges the call's extra over the adapter's."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(request)s %(user)s %(message)s")
    adapter = logging.LoggerAdapter(
        logging.getLogger("merge"), {"request": "req-1", "user": "u"}, merge_extra=True
    )
    adapter.warning("merged", extra={"user": "alice"})
    adapter.warning("unchanged")


@differential
def test_adapter_subclass_can_rewrite_messages(logging):
    """A LoggerAdapter subclass overriding process can prefix messages and add kwargs."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(levelname)s %(message)s %(tag)s")

    class Prefixing(logging.LoggerAdapter):
        def process(self, msg, kwargs):
            kwargs.setdefault("extra", {})["tag"] = self.extra["tag"]
            return f"[{self.extra['tag']}] {msg}", kwargs

    adapter = Prefixing(logging.getLogger("prefix"), {"tag": "job-7"})
    adapter.info("not enabled")
    adapter.warning("started %s", "now")
    adapter.error("failed", extra={"ignored": True})
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        adapter.exception("crashed")


@differential
def test_nested_adapters_delegate_to_the_underlying_logger(logging):
    """An adapter wrapping an adapter applies both process steps and shares the manager."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(name)s %(message)s")

    class Tagging(logging.LoggerAdapter):
        def process(self, msg, kwargs):
            return f"{self.extra['tag']}:{msg}", kwargs

    inner = Tagging(logging.getLogger("nested"), {"tag": "inner"})
    outer = Tagging(inner, {"tag": "outer"})
    outer.warning("hello")
    print(outer.name, outer.manager is logging.Logger.manager, outer.logger is inner)
    outer.setLevel(logging.ERROR)
    print(logging.getLogger("nested").level, outer.getEffectiveLevel(), outer.isEnabledFor(30))
    outer.warning("filtered")
    print(outer.hasHandlers(), repr(outer))


@differential
def test_adapter_exposes_logger_level_helpers(logging):
    """LoggerAdapter forwards setLevel, getEffectiveLevel, isEnabledFor and critical."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="%(levelname)s %(message)s")
    adapter = logging.LoggerAdapter(logging.getLogger("helpers"), None)
    print(adapter.extra, adapter.getEffectiveLevel(), adapter.isEnabledFor(logging.INFO))
    adapter.setLevel("DEBUG")
    adapter.debug("debug")
    adapter.critical("critical")
    adapter.log(25, "custom level")
    logging.disable(logging.CRITICAL)
    adapter.critical("disabled")
    print(adapter.isEnabledFor(logging.CRITICAL))


@differential
def test_extra_may_be_any_mapping_and_any_string_key(logging):
    """extra given as a mapping proxy, a dict subclass or a Mapping is copied key by key,
    and a key holding a lone surrogate is stored like any other."""
    import collections.abc
    import sys
    import types

    class Doubling(dict):
        def __getitem__(self, key):
            return 2 * super().__getitem__(key)

    class Pairs(collections.abc.Mapping):
        def __getitem__(self, key):
            return {"user": "carol", "ip": "::1"}[key]

        def __iter__(self):
            return iter(("user", "ip"))

        def __len__(self):
            return 2

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(user)s %(ip)s %(message)s"))
    logger = logging.getLogger("mappings")
    logger.addHandler(handler)
    logger.warning("proxy", extra=types.MappingProxyType({"user": "alice", "ip": "10.0.0.1"}))
    logger.warning("subclass", extra=Doubling(user="bob", ip="10."))
    logger.warning("mapping", extra=Pairs())

    class Capture(logging.Filter):
        def filter(self, record):
            print(ascii(getattr(record, "odd\udc80", "absent")))
            return True

    logger.addFilter(Capture())
    logger.warning("surrogate", extra={"odd\udc80": 1, "user": "-", "ip": "-"})


@differential
def test_the_record_keeps_extra_as_it_was_at_the_call(logging):
    """A filter that changes the caller's extra dict after the call does not change the record."""
    import sys

    extra = {"user": "alice"}

    class Meddling(logging.Filter):
        def filter(self, record):
            extra["user"] = "mallory"
            extra["added"] = 1
            return True

    first = logging.StreamHandler(sys.stdout)
    first.addFilter(Meddling())
    first.setFormatter(logging.Formatter("first %(user)s %(message)s"))
    second = logging.StreamHandler(sys.stdout)
    second.setFormatter(logging.Formatter("second %(user)s %(message)s"))
    logger = logging.getLogger("kept")
    logger.addHandler(first)
    logger.addHandler(second)
    logger.warning("call", extra=extra)
    print(sorted(extra.items()))
