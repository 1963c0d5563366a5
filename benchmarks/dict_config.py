"""Times `dictConfig` of a 10-handler configuration, the standard library's
against femtologging's, run by hand (it is not a case of run.py: it times a
cold path, not logging calls):

    python=$(scripts/venv 3.11 release | tail -n 1)
    $python benchmarks/dict_config.py --rounds 7 --n 200

Each round starts one fresh process per library, in a shuffled order; a
process applies the configuration n times (a fresh copy each time, made
outside the clock, in a temporary directory) and reports the median time of
one `dictConfig` call. The check: after each call the root logger has the
configured handlers and one line logged through it reaches every file.
The report gives the median over the rounds and the ratio.
"""

import argparse
import copy
import importlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

LIBRARIES = ("logging", "femtologging")


def configuration(folder):
    handlers = {
        f"file{number}": {
            "class": "logging.FileHandler",
            "filename": os.path.join(folder, f"file{number}.log"),
            "formatter": "detailed" if number % 2 else "brace",
            "level": "INFO",
        }
        for number in range(4)
    }
    handlers.update(
        {
            "rotating0": {
                "class": "logging.handlers.RotatingFileHandler",
                "filename": os.path.join(folder, "rotating0.log"),
                "maxBytes": 1_000_000,
                "backupCount": 3,
                "formatter": "detailed",
            },
            "rotating1": {
                "class": "logging.handlers.RotatingFileHandler",
                "filename": os.path.join(folder, "rotating1.log"),
                "maxBytes": 1_000_000,
                "backupCount": 3,
                "formatter": "brace",
                "filters": ["app"],
            },
            "timed": {
                "class": "logging.handlers.TimedRotatingFileHandler",
                "filename": os.path.join(folder, "timed.log"),
                "when": "midnight",
                "backupCount": 7,
                "formatter": "detailed",
            },
            "buffer": {
                "class": "logging.handlers.MemoryHandler",
                "capacity": 100,
                "flushLevel": "ERROR",
                "target": "file0",
            },
            "null": {"class": "logging.NullHandler"},
            "stream": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "level": "CRITICAL",
                "formatter": "detailed",
            },
        }
    )
    return {
        "version": 1,
        "formatters": {
            "detailed": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "brace": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        },
        "filters": {"app": {"name": "app"}},
        "handlers": handlers,
        "loggers": {
            "app": {"level": "DEBUG"},
            "app.db": {"level": "INFO", "handlers": ["buffer"]},
            "app.web": {"level": "WARNING", "propagate": True},
            "library": {"level": "ERROR", "handlers": ["null"], "propagate": False},
        },
        "root": {"level": "INFO", "handlers": sorted(set(handlers) - {"buffer", "null"})},
    }


def child(library, n):
    logging = importlib.import_module(library)
    config_module = importlib.import_module(f"{library}.config")
    samples = []
    with tempfile.TemporaryDirectory() as folder:
        template = configuration(folder)
        for _ in range(n):
            fresh = copy.deepcopy(template)
            start = time.perf_counter_ns()
            config_module.dictConfig(fresh)
            samples.append(time.perf_counter_ns() - start)
        if len(logging.root.handlers) != 8:
            raise SystemExit(f"{library}: {len(logging.root.handlers)} root handlers, not 8")
        logging.getLogger("app").warning("checked")
        logging.shutdown()
        for number in range(4):
            with open(os.path.join(folder, f"file{number}.log"), encoding="utf-8") as file:
                if file.read().count("checked") != 1:
                    raise SystemExit(f"{library}: file{number}.log lacks the checked line")
    print(json.dumps({"library": library, "median_ns": statistics.median(samples)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--child", choices=LIBRARIES)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.n)
        return
    medians = {library: [] for library in LIBRARIES}
    for _ in range(arguments.rounds):
        order = list(LIBRARIES)
        random.shuffle(order)
        for library in order:
            output = subprocess.run(
                [sys.executable, __file__, "--child", library, "--n", str(arguments.n)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            medians[library].append(json.loads(output.splitlines()[-1])["median_ns"])
    standard = statistics.median(medians["logging"])
    femto = statistics.median(medians["femtologging"])
    print(f"dictConfig, 10 handlers, median of {arguments.rounds} rounds of {arguments.n} calls")
    print(f"  logging      {standard / 1000:9.1f} us")
    print(f"  femtologging {femto / 1000:9.1f} us")
    print(f"  femtologging vs logging: {standard / femto:.2f}x")


if __name__ == "__main__":
    main()
