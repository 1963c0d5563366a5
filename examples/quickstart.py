"""A first look at femtologging: the standard logging API, served by Rust.

Logs to the console and to a file with a few loggers and levels, and an
exception with its traceback, then says where the file is.
"""

import os
import tempfile

import femtologging as logging


def main() -> None:
    log_path = os.path.join(tempfile.gettempdir(), "femtologging-quickstart.log")
    logging.basicConfig(
        level=logging.DEBUG,
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
    file_handler = logging.FileHandler(log_path, mode="w")
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(module)s:%(lineno)d %(message)s")
    )
    logging.getLogger().addHandler(file_handler)

    web = logging.getLogger("app.web")
    database = logging.getLogger("app.db")
    database.setLevel(logging.INFO)

    web.info("serving %s on port %d", "/api/items", 8080)
    database.debug("this line is below the app.db level and is not shown")
    database.info("connected to %s", "postgres://localhost/app")
    web.warning("slow request: %s took %d ms", "/api/items", 1250)
    try:
        {}["missing"]
    except KeyError:
        web.exception("request failed")
    logging.getLogger("app").critical("shutting down")

    file_handler.close()
    with open(log_path, encoding="utf-8") as log_file:
        lines = log_file.read().count("\n")
    print(f"\nThe same records, with caller information, are in {log_path} ({lines} lines).")


if __name__ == "__main__":
    main()
