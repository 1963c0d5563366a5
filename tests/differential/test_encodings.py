"""Encodings whose encoder is stateful across writes: those that begin a
stream with a byte-order mark (utf-16, utf-32, utf-8-sig), and those that
shift between character sets (iso2022_jp). A text file encodes its writes
as one stream, so the mark comes once, at the start of the file."""

from ._harness import differential


@differential(requires=["handlers"])
def test_a_byte_order_mark_starts_each_file_once(logging):
    """One mark per fresh file, for the plain, rotating and watched handlers."""
    import os

    def show(prefix):
        for name in sorted(os.listdir(".")):
            if name.startswith(prefix):
                with open(name, "rb") as file:
                    print(name, file.read())

    for encoding in ("utf-16", "utf-32", "utf-8-sig"):
        logger = logging.getLogger(encoding)
        logger.propagate = False

        plain = logging.FileHandler(f"{encoding}-plain.log", encoding=encoding)
        logger.addHandler(plain)
        logger.warning("first")
        logger.warning("second 🐍")
        plain.close()
        logger.removeHandler(plain)

        # Appending to a file that already has lines: no mark.
        again = logging.FileHandler(f"{encoding}-plain.log", encoding=encoding)
        logger.addHandler(again)
        logger.warning("appended")
        again.close()
        logger.removeHandler(again)

        # Appending to an empty file, and truncating one: a mark.
        open(f"{encoding}-empty.log", "w").close()
        with open(f"{encoding}-truncated.log", "w") as file:
            file.write("old lines\n")
        for name, mode in (("empty", "a"), ("truncated", "w")):
            handler = logging.FileHandler(f"{encoding}-{name}.log", mode=mode, encoding=encoding)
            logger.addHandler(handler)
            logger.warning("into the %s file", name)
            logger.warning("and again")
            handler.close()
            logger.removeHandler(handler)

        delayed = logging.FileHandler(f"{encoding}-delayed.log", encoding=encoding, delay=True)
        logger.addHandler(delayed)
        logger.warning("opened late")
        logger.warning("still one mark")
        delayed.close()
        logger.removeHandler(delayed)

        # Each rollover starts a fresh file, with its own mark.
        rotating = logging.handlers.RotatingFileHandler(
            f"{encoding}-rotating.log", maxBytes=60, backupCount=3, encoding=encoding
        )
        logger.addHandler(rotating)
        for number in range(8):
            logger.warning("rotating %d", number)
        rotating.close()
        logger.removeHandler(rotating)

        # The watched file moved away: the reopened one is fresh.
        watched = logging.handlers.WatchedFileHandler(f"{encoding}-watched.log", encoding=encoding)
        logger.addHandler(watched)
        logger.warning("before the move")
        os.rename(f"{encoding}-watched.log", f"{encoding}-watched.log.moved")
        logger.warning("after the move")
        logger.warning("and again")
        watched.close()
        logger.removeHandler(watched)
        show(encoding)


@differential(requires=["handlers"])
def test_a_rotating_handler_appending_to_an_empty_or_a_full_file(logging):
    """The size test asks the stream where it is; a mark is written only at the start."""
    import os

    with open("full.log", "wb") as file:
        file.write("existing line\n".encode("utf-16"))
    open("empty.log", "w").close()
    logger = logging.getLogger("rotating")
    for name in ("full", "empty", "fresh"):
        handler = logging.handlers.RotatingFileHandler(
            f"{name}.log", maxBytes=200, backupCount=1, encoding="utf-16"
        )
        logger.addHandler(handler)
        for number in range(4):
            logger.warning("%s %d", name, number)
        print(name, handler.stream.tell())
        handler.close()
        logger.removeHandler(handler)
    for name in sorted(os.listdir(".")):
        with open(name, "rb") as file:
            print(name, file.read())


@differential
def test_a_shifting_encoding_stays_in_one_stream(logging):
    """iso2022_jp shifts into a character set and back; the file is one stream."""
    logger = logging.getLogger("shift")
    handler = logging.FileHandler("shift.log", encoding="iso2022_jp")
    logger.addHandler(handler)
    logger.warning("日本語 text")
    logger.warning("ascii only")
    logger.warning("カタカナ")
    handler.stream.write("日本")
    handler.stream.write("語\n")
    handler.close()
    with open("shift.log", "rb") as file:
        print(file.read())


@differential
def test_a_first_record_that_cannot_be_encoded(logging):
    """A first write that fails to encode takes the mark with it; a later one leaves it."""
    import sys

    def report(record):
        # The standard report would show the codec's frames, which the
        # comparison drops on one side only: the error itself is enough.
        print("error:", repr(sys.exc_info()[1]))

    for encoding in ("utf-16", "utf-32", "utf-8-sig", "utf-16-le", "cp1252"):
        for first in ("a lone \udc80 surrogate", "a fine one"):
            name = f"{encoding}-{first[:6]}.log"
            handler = logging.FileHandler(name, encoding=encoding)
            handler.handleError = report
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            logger.warning(first)
            logger.warning("a lone \udc80 surrogate again")
            logger.warning("then a fine one")
            handler.close()
            with open(name, "rb") as file:
                print(name, file.read())
