"""Cold paths the native code calls back into: what only Python can answer."""

import io
import os
import sys
import threading
import traceback


def _logging():
    return sys.modules["femtologging"]


def call_context(thread_id):
    """(thread, threadName, processName, process, taskName) for a new record."""
    logging = _logging()
    if logging.logThreads:
        thread, thread_name = thread_id, threading.current_thread().name
    else:
        thread, thread_name = None, None
    if not logging.logMultiprocessing:
        process_name = None
    else:
        process_name = "MainProcess"
        multiprocessing = sys.modules.get("multiprocessing")
        if multiprocessing is not None:
            try:
                process_name = multiprocessing.current_process().name
            except Exception:
                pass
    process = os.getpid() if logging.logProcesses and hasattr(os, "getpid") else None
    task_name = None
    if getattr(logging, "logAsyncioTasks", False):
        asyncio = sys.modules.get("asyncio")
        if asyncio:
            try:
                task_name = asyncio.current_task().get_name()
            except Exception:
                pass
    return thread, thread_name, process_name, process, task_name


def format_stack(frame):
    """The stack_info text for a call made from this frame."""
    with io.StringIO() as buffer:
        buffer.write("Stack (most recent call last):\n")
        traceback.print_stack(frame, file=buffer)
        text = buffer.getvalue()
    if text[-1] == "\n":
        text = text[:-1]
    return text


def open_delayed_file(handler):
    """FileHandler with delay=True: open on the first record, as 3.11+ does."""
    if handler.mode != "w" or not handler._closed:
        handler.stream = handler._open()
