"""A `multiprocessing` pool whose workers all log, into one file.

Each worker process puts its records on a shared queue with a
`QueueHandler`; the parent's `QueueListener` hands them to one
`FileHandler`, so the file has a single writer. At the end the parent reads
the file back and checks that every worker's and every task's line arrived.

    python examples/worker_pool.py [--tasks N] [--processes N] [--directory DIR]
"""

import argparse
import multiprocessing
import os
import re
import tempfile

import femtologging as logging
from femtologging.handlers import QueueHandler, QueueListener

log = logging.getLogger("pool")


def start_worker(queue):
    """Runs once in each worker: everything it logs goes to the queue."""
    root = logging.getLogger()
    root.handlers.clear()  # a forked child inherits the parent's handlers
    root.addHandler(QueueHandler(queue))
    root.setLevel(logging.INFO)
    log.info("worker started")


def square(number):
    """The work: one line logged per task, with the process that ran it."""
    log.info("task %d: %d squared is %d", number, number, number * number)
    return number * number


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--directory", default=None, help="where pool.log goes (default: new)")
    options = parser.parse_args()
    directory = options.directory or tempfile.mkdtemp(prefix="femtologging-pool-")
    path = os.path.join(directory, "pool.log")

    file_handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(process)d %(name)s %(message)s"))
    queue = multiprocessing.Queue()
    # The pool's processes are started before the listener's thread, so a
    # forked worker never copies a thread mid-way.
    pool = multiprocessing.Pool(options.processes, start_worker, (queue,))
    listener = QueueListener(queue, file_handler)
    listener.start()
    results = pool.map(square, range(options.tasks), chunksize=1)
    # close() and join(), not the context manager's terminate(): each worker
    # then ends normally, after its queue has sent everything it logged.
    pool.close()
    pool.join()
    listener.stop()  # handles every record still on the queue first
    file_handler.close()

    tasks_seen = set()
    workers_started = set()
    processes_seen = set()
    task_line = re.compile(r"(\d+) pool task (\d+): (\d+) squared is (\d+)")
    with open(path, encoding="utf-8") as log_file:
        for text in log_file:
            process, message = text.rstrip("\n").split(" pool ", 1)
            if message == "worker started":
                workers_started.add(int(process))
                continue
            process, task, number, result = map(int, task_line.fullmatch(text.rstrip()).groups())
            assert task == number and result == number * number, text
            tasks_seen.add(task)
            processes_seen.add(process)
    missing = sorted(set(range(options.tasks)) - tasks_seen)
    assert results == [number * number for number in range(options.tasks)]
    print(f"{options.tasks} tasks on {options.processes} processes")
    print(f"{len(workers_started)} workers started, all different from the parent:", end=" ")
    print(os.getpid() not in workers_started)
    print(f"{len(tasks_seen)} task lines, from the workers that started: ", end="")
    print(processes_seen <= workers_started)
    print(f"missing: {missing}")
    print(f"file: {path}")


if __name__ == "__main__":
    main()
