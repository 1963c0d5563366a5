"""One configuration attempt: applied in the standard library's order, but
undone when it fails, so the handlers and loggers in force before a
malformed configuration go on working (the standard `logging.config` closes
the old handlers first and leaves whatever it had built when it fails).

The old handlers are only closed once the new configuration is complete.
"""

import femtologging as logging


class _LoggerState:
    """What a configuration may change on one logger."""

    __slots__ = ("logger", "level", "propagate", "disabled", "handlers", "filters")

    def __init__(self, logger):
        self.logger = logger
        self.level = logger.level
        self.propagate = logger.propagate
        self.disabled = logger.disabled
        self.handlers = list(logger.handlers)
        self.filters = list(logger.filters)

    def restore(self):
        logger = self.logger
        logger.setLevel(self.level)
        logger.propagate = self.propagate
        logger.disabled = self.disabled
        logger.handlers = self.handlers
        logger.filters = self.filters


def _existing_loggers():
    loggers = [logging.root]
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            loggers.append(logger)
    return loggers


def _clearExistingHandlers():
    """Forgets the handler names, then flushes, closes and forgets every
    handler made so far (what a new, non-incremental configuration does)."""
    logging._handlers.clear()
    logging.shutdown(logging._handlerList[:])
    del logging._handlerList[:]


def _handle_existing_loggers(existing, child_loggers, disable_existing):
    """Loggers a new configuration does not name: the children of those it
    names are reset to pass everything up; the rest are disabled (or, with
    `disable_existing` false, enabled again)."""
    logger_dict = logging.root.manager.loggerDict
    children = set(child_loggers)
    for name in existing:
        logger = logger_dict[name]
        if name in children:
            if not isinstance(logger, logging.PlaceHolder):
                logger.setLevel(logging.NOTSET)
                logger.handlers = []
                logger.propagate = True
        else:
            logger.disabled = disable_existing


class ConfigurationAttempt:
    """Use as `with ConfigurationAttempt() as attempt:` around a whole
    configuration, calling `attempt.detach_old_handlers()` where the standard
    library would clear the existing handlers."""

    def __init__(self):
        self._handler_references = list(logging._handlerList)
        self._named_handlers = dict(logging._handlers)
        self._loggers = {id(logger): _LoggerState(logger) for logger in _existing_loggers()}
        self._detached = False

    def detach_old_handlers(self):
        """The old handlers leave the name registry but stay open (and
        attached to their loggers) until the new configuration is complete.
        What they hold is written now, before a new handler may open the same
        file."""
        self._detached = True
        logging._handlers.clear()
        for reference in self._handler_references:
            handler = reference()
            if handler is not None:
                try:
                    handler.flush()
                except Exception:  # noqa: BLE001 - a flush failure must not stop the new set-up
                    pass

    def __enter__(self):
        return self

    def __exit__(self, error_type, error, traceback):
        if error_type is None:
            self._commit()
        else:
            self._roll_back()
        return False

    def _new_handler_references(self):
        old = {id(reference) for reference in self._handler_references}
        return [reference for reference in logging._handlerList if id(reference) not in old]

    def _commit(self):
        if not self._detached:
            return
        kept = self._new_handler_references()
        # Closing a handler forgets its name, even when the name now belongs
        # to its replacement.
        named = dict(logging._handlers)
        logging.shutdown(self._handler_references)
        logging._handlerList[:] = kept
        logging._handlers.clear()
        logging._handlers.update(named)

    def _roll_back(self):
        for reference in reversed(self._new_handler_references()):
            handler = reference()
            if handler is None:
                continue
            try:
                handler.close()
            except Exception:  # noqa: BLE001 - the configuration's own error is the one to raise
                pass
        logging._handlerList[:] = self._handler_references
        logging._handlers.clear()
        logging._handlers.update(self._named_handlers)
        for logger in _existing_loggers():
            state = self._loggers.get(id(logger))
            if state is None:
                # Made by the failed configuration: back to a fresh logger.
                logger.setLevel(logging.NOTSET)
                logger.propagate = True
                logger.disabled = False
                logger.handlers = []
                logger.filters = []
            else:
                state.restore()
