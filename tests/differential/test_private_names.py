"""The private names of `logging` that code and the standard library's own tests read:
the per-logger level cache and the record times a patched clock gives."""

import sys

import pytest

from ._harness import differential


@differential
def test_the_level_cache_fills_and_empties_as_the_standard_one(logging):
    """`_cache` holds each answer of isEnabledFor and every logging call, and
    setLevel, disable and _clear_cache empty every logger's."""
    root = logging.getLogger()
    parent = logging.getLogger("cache")
    child = logging.getLogger("cache.child")
    root.setLevel(logging.ERROR)
    print(child._cache, parent._cache, root._cache)
    print(child.isEnabledFor(logging.ERROR), child.isEnabledFor(logging.DEBUG))
    print(child._cache, parent._cache, root._cache)
    print(root.isEnabledFor(logging.ERROR), root._cache)
    parent.setLevel(logging.CRITICAL)
    print(child._cache, root._cache, child.getEffectiveLevel())
    child.info("not logged")
    child.critical("logged")
    child.log(25, "custom")
    print(sorted(child._cache.items()))
    print(child.isEnabledFor(logging.CRITICAL), sorted(child._cache.items()))
    logging.disable(logging.CRITICAL)
    print(child._cache, parent._cache, root._cache)
    print(child.isEnabledFor(logging.CRITICAL), child._cache)
    logging.disable(logging.NOTSET)
    print(child._cache)
    print(child.isEnabledFor(logging.CRITICAL), child._cache)
    child._cache.clear()
    print(child.isEnabledFor(logging.CRITICAL), child._cache)
    child.disabled = True
    print(child.isEnabledFor(logging.CRITICAL), child.isEnabledFor(logging.ERROR), child._cache)
    child.disabled = False
    root.manager._clear_cache()
    print(child._cache, parent._cache, root._cache)
    child._cache = {}
    child.error("again")
    print(child._cache)


@differential
def test_the_level_cache_keeps_any_hashable_level(logging):
    """A level that is not a plain int is a key of `_cache` as it was given."""
    logger = logging.getLogger("objects")
    logger.setLevel(logging.INFO)
    print(logger.isEnabledFor(20.5), logger.isEnabledFor(True), logger.isEnabledFor(2**70))
    print(sorted(logger._cache.items(), key=repr))


@pytest.mark.skipif(sys.version_info < (3, 13), reason="3.13 reads time.time_ns()")
@differential
def test_record_times_follow_a_patched_time_ns_to_the_nanosecond(logging):
    """On 3.13 a record's created, msecs and relativeCreated come from
    time.time_ns(), patched or not, without the precision a float loses."""
    import sys
    from unittest import mock

    class Keep(logging.Handler):
        def emit(self, record):
            print(record.created.hex(), record.msecs)

    logger = logging.getLogger("clock")
    logger.addHandler(Keep())
    for ns in (
        1_677_902_297_100_000_000,
        1_677_903_920_999_998_503,
        1_677_903_920_000_998_503,
        1_677_903_920_999_999_900,
    ):
        with mock.patch("time.time_ns", return_value=ns):
            record = logging.makeLogRecord({"msg": "made"})
            logger.warning("logged")
        print(record.created.hex(), record.msecs, record.created == ns / 1e9)
    # relativeCreated counts from the import, which differs between the two runs.
    for offset in (200, 12_345, 99_999):
        with mock.patch("time.time_ns", return_value=logging._startTime + offset):
            record = logging.makeLogRecord({"msg": "made"})
        print(record.relativeCreated.hex(), record.relativeCreated == offset / 1e6)
    sys.stdout.flush()


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13 reads time.time_ns()")
@differential
def test_record_times_follow_a_patched_time_time(logging):
    """Before 3.13 a record's created is what time.time() returned, patched or
    not, and msecs and relativeCreated are derived from that float."""
    from unittest import mock

    class Keep(logging.Handler):
        def emit(self, record):
            print(record.created.hex(), record.msecs)

    logger = logging.getLogger("clock")
    logger.addHandler(Keep())
    for seconds in (1_677_902_297.1, 1_677_903_920.9999985, 1_234_567.0, 1_700_000_000.5):
        with mock.patch("time.time", return_value=seconds):
            record = logging.makeLogRecord({"msg": "made"})
            logger.warning("logged")
        print(record.created.hex(), record.msecs, record.created == seconds)
        print(record.relativeCreated == (seconds - logging._startTime) * 1000)
