"""`DictConfigurator`: the dictionary schema of `logging.config.dictConfig`
(version 1), building femtologging's formatters, filters and handlers.

Differences from the standard module, each deliberate:
- a failing configuration leaves the previous one in force
  (`ConfigurationAttempt`);
- handlers that name others (a `MemoryHandler`'s `target`, a
  `QueueHandler`'s `handlers`) are built after them whatever their order,
  and a circle of such references is refused by name;
- a circle of `cfg://` references is refused by name instead of exhausting
  the recursion limit;
- a femto handler builder given as `class` or `()` is configured through its
  `with_*` methods and built.
"""

import inspect
import queue
import sys

import femtologging as logging
import femtologging.handlers

from ._config_attempt import ConfigurationAttempt, _handle_existing_loggers
from ._config_converting import (
    BaseConfigurator,
    ConvertingDict,
    _femto_equivalent,
    valid_ident,
)

# What each running version accepts (3.12 added these to dictConfig).
_FORMATTER_DEFAULTS = sys.version_info >= (3, 12)
_QUEUE_CONFIGURATION = sys.version_info >= (3, 12)
# 3.13 turns a MemoryHandler's flushLevel given as a name into its number.
_FLUSH_LEVEL_NAMES = sys.version_info >= (3, 13)


def _is_queue_like_object(obj):
    """A queue, or anything with the two methods a QueueHandler and its
    listener call."""
    if isinstance(obj, queue.Queue):
        return True
    return all(callable(getattr(obj, name, None)) for name in ("put_nowait", "get"))


def _is_builder(klass):
    """A femto handler builder: a class with `build()` that is not a handler."""
    return (
        isinstance(klass, type)
        and callable(getattr(klass, "build", None))
        and not issubclass(klass, logging.Handler)
    )


def _handler_references(config):
    """The names of other handlers a handler's configuration refers to."""
    if not isinstance(config, dict):
        return []
    names = []
    target = dict.get(config, "target")
    if isinstance(target, str):
        names.append(target)
    others = dict.get(config, "handlers")
    if isinstance(others, (list, tuple)):
        names.extend(name for name in others if isinstance(name, str))
    return names


def _take(config, key):
    """Pops a key that is often absent without converting a None for it."""
    return config.pop(key) if key in config else None


def _is_femto_handler(klass):
    return isinstance(klass, type) and issubclass(klass, logging.FemtoHandler)


class DictConfigurator(BaseConfigurator):
    """Applies a configuration dictionary (`configure()`)."""

    def configure(self):
        """Applies the configuration: version 1 only; `incremental` changes levels and propagation
        of what exists; otherwise formatters, filters, handlers and loggers are made, and the
        ones they replace are closed once the whole configuration succeeded."""
        config = self.config
        if "version" not in config:
            raise ValueError("dictionary doesn't specify a version")
        if config["version"] != 1:
            raise ValueError(f"Unsupported version: {config['version']}")
        incremental = config.pop("incremental", False)
        with logging._lock:
            if incremental:
                self._configure_incrementally(config)
            else:
                with ConfigurationAttempt() as attempt:
                    self._configure_afresh(config, attempt)

    # ------------------------------------------------------------ the two modes

    def _configure_incrementally(self, config):
        """Only levels change: handlers (found by name) and loggers."""
        handlers = config.get("handlers", {})
        for name in handlers:
            handler = logging._handlers.get(name)
            if handler is None:
                raise ValueError(f"No handler found with name {name!r}")
            try:
                level = handlers[name].get("level", None)
                if level:
                    handler.setLevel(logging._checkLevel(level))
            except Exception as error:
                raise ValueError(f"Unable to configure handler {name!r}") from error
        self._configure_loggers(config, incremental=True)

    def _configure_afresh(self, config, attempt):
        disable_existing = config.pop("disable_existing_loggers", True)
        attempt.detach_old_handlers()
        self._build_each("formatters", self.configure_formatter)
        self._build_each("filters", self.configure_filter)
        self._build_handlers()
        self._configure_loggers(config, incremental=False, disable_existing=disable_existing)

    def _build_each(self, section, build):
        components = self.config.get(section, {})
        singular = section[:-1]
        for name in components:
            try:
                components[name] = build(components[name])
            except Exception as error:
                raise ValueError(f"Unable to configure {singular} {name!r}") from error

    def _build_handlers(self):
        """Builds every handler, each after the handlers it names."""
        handlers = self.config.get("handlers", {})
        built = set()
        for name in sorted(handlers):
            self._build_handler(handlers, name, built, [])

    def _build_handler(self, handlers, name, built, chain):
        if name in built:
            return
        if name in chain:
            circle = " -> ".join([*chain[chain.index(name) :], name])
            error = ValueError(f"handlers refer to each other in a circle: {circle}")
            raise ValueError(f"Unable to configure handler {chain[-1]!r}") from error
        for other in _handler_references(dict.__getitem__(handlers, name)):
            if other in handlers and other not in built:
                self._build_handler(handlers, other, built, [*chain, name])
        try:
            config = handlers[name]
            if not isinstance(config, dict):
                raise TypeError(f"a handler is configured by a mapping, not {config!r}")
            handler = self.configure_handler(config)
            handler.name = name
        except Exception as error:
            raise ValueError(f"Unable to configure handler {name!r}") from error
        handlers[name] = handler
        built.add(name)

    def _configure_loggers(self, config, incremental, disable_existing=True):
        loggers = config.get("loggers", {})
        if not incremental:
            existing = sorted(logging.root.manager.loggerDict)
            child_loggers = []
            for name in loggers:
                if name in existing:
                    prefix = name + "."
                    child_loggers.extend(other for other in existing if other.startswith(prefix))
                    existing.remove(name)
        for name in loggers:
            try:
                self.configure_logger(name, loggers[name], incremental)
            except Exception as error:
                raise ValueError(f"Unable to configure logger {name!r}") from error
        if not incremental:
            _handle_existing_loggers(existing, child_loggers, disable_existing)
        root = config.get("root", None)
        if root:
            try:
                self.configure_root(root, incremental)
            except Exception as error:
                raise ValueError("Unable to configure root logger") from error

    # ------------------------------------------------------------ components

    def configure_formatter(self, config):
        """A formatter from `format`, `datefmt`, `style`, `validate`,
        `defaults` and `class`, or from a `()` factory."""
        if "()" in config:
            factory = config["()"]
            try:
                return self.configure_custom(config)
            except TypeError as error:
                # Factories written for Formatter's positional name take
                # `fmt`: the documented fallback for `format`.
                if "'format'" not in str(error) or "format" not in config:
                    raise
                config["fmt"] = config.pop("format")
                config["()"] = factory
                return self.configure_custom(config)
        fmt = config.get("format", None)
        datefmt = config.get("datefmt", None)
        style = config.get("style", "%")
        class_name = config.get("class", None)
        if not class_name:
            formatter_class = logging.Formatter
        elif callable(class_name):
            formatter_class = _femto_equivalent(class_name)
        else:
            formatter_class = self.resolve(class_name)
        arguments = [fmt, datefmt, style]
        if "validate" in config:
            arguments.append(config["validate"])
        defaults = config.get("defaults", None) if _FORMATTER_DEFAULTS else None
        if defaults is not None:
            if len(arguments) == 3:
                arguments.append(True)
            return formatter_class(*arguments, defaults=defaults)
        return formatter_class(*arguments)

    def configure_filter(self, config):
        """A filter from `name`, a `()` factory, or a filter (an object with
        `filter`, or a callable) given as it is."""
        if not isinstance(config, dict):
            if callable(config) or callable(getattr(config, "filter", None)):
                return config
            raise TypeError(
                f"a filter is a mapping, an object with filter() or a callable, not {config!r}"
            )
        if "()" in config:
            return self.configure_custom(config)
        return logging.Filter(config.get("name", ""))

    def add_filters(self, filterer, filters):
        """Adds each filter named in `filters` (or given as an object or callable) to the logger or
        handler; raises `ValueError` naming the one that cannot be added."""
        for entry in filters:
            try:
                if callable(entry) or callable(getattr(entry, "filter", None)):
                    chosen = entry
                else:
                    chosen = self.config["filters"][entry]
                filterer.addFilter(chosen)
            except Exception as error:
                raise ValueError(f"Unable to add filter {entry!r}") from error

    def _named_handler(self, name, failure):
        """A handler of this configuration, already built, by its name."""
        try:
            handler = self.config["handlers"][name]
        except Exception as error:
            raise ValueError(failure % (name,)) from error
        if isinstance(handler, dict):
            raise ValueError(failure % (name,))
        return handler

    def configure_handler(self, config):
        """A handler from `class` (or a `()` factory), its constructor's
        keywords, `level`, `formatter`, `filters` and `.` attributes."""
        formatter = _take(config, "formatter")
        if formatter:
            try:
                formatter = self.config["formatters"][formatter]
            except Exception as error:
                raise ValueError(f"Unable to set formatter {formatter!r}") from error
        level = _take(config, "level")
        filters = _take(config, "filters")
        listener_setup = None
        if "()" in config:
            factory = config.pop("()")
            if not callable(factory):
                factory = self.resolve(factory)
            factory = _femto_equivalent(factory)
        else:
            class_name = _take(config, "class")
            if class_name is None:
                raise ValueError("a handler needs a 'class' or a '()' key")
            factory = (
                _femto_equivalent(class_name) if callable(class_name) else self.resolve(class_name)
            )
            listener_setup = self._prepare_handler_keywords(factory, config)
        attributes = _take(config, ".")
        keywords = {key: config[key] for key in list(config) if valid_ident(key)}
        options = keywords.get("options")
        if isinstance(options, dict) and _is_femto_handler(factory):
            keywords["options"] = self._handler_options(options)
        if _is_builder(factory):
            result = self._build_with_builder(factory, keywords)
        else:
            result = self._construct(factory, keywords)
        if formatter:
            result.setFormatter(formatter)
        if level is not None:
            result.setLevel(logging._checkLevel(level))
        if filters:
            self.add_filters(result, filters)
        if attributes:
            for name, value in attributes.items():
                setattr(result, name, value)
        if listener_setup is not None:
            result.listener = listener_setup(result.queue)
        return result

    def _handler_options(self, options):
        """A femto handler's `options` given as a mapping of HandlerOptions'
        fields (or a `()` factory)."""
        options = ConvertingDict(options)
        options.configurator = self
        if "()" in options:
            return self.configure_custom(options)
        fields = {key: options[key] for key in list(options)}
        if isinstance(fields.get("rotation"), list):
            fields["rotation"] = tuple(fields["rotation"])
        return logging.HandlerOptions(**fields)

    def _construct(self, factory, keywords):
        try:
            return factory(**keywords)
        except TypeError as error:
            # Handlers written before `stream` was the keyword call it `strm`.
            if "'stream'" not in str(error):
                raise
            keywords["strm"] = keywords.pop("stream")
            return factory(**keywords)

    def _prepare_handler_keywords(self, klass, config):
        """What particular standard handlers need done to their keywords.
        Returns, for a QueueHandler on 3.12+, what makes its listener."""
        if not isinstance(klass, type):
            return None
        handlers_module = femtologging.handlers
        if issubclass(klass, handlers_module.MemoryHandler):
            if _FLUSH_LEVEL_NAMES and "flushLevel" in config:
                config["flushLevel"] = logging._checkLevel(config["flushLevel"])
            if "target" in config:
                name = config["target"]
                if not isinstance(name, logging.Handler):
                    config["target"] = self._named_handler(name, "Unable to set target handler %r")
        elif issubclass(klass, handlers_module.SMTPHandler) and "mailhost" in config:
            config["mailhost"] = self.as_tuple(config["mailhost"])
        elif issubclass(klass, handlers_module.SysLogHandler) and "address" in config:
            config["address"] = self.as_tuple(config["address"])
        elif _QUEUE_CONFIGURATION and issubclass(klass, handlers_module.QueueHandler):
            return self._prepare_queue_handler(config)
        return None

    def _prepare_queue_handler(self, config):
        """The queue (made when absent), the listener class and the handlers
        it serves (3.12+). The listener is made but not started."""
        given_queue = config.pop("queue", None)
        if given_queue is None:
            given_queue = queue.Queue()
        elif isinstance(given_queue, str):
            given_queue = self.resolve(given_queue)
            if isinstance(given_queue, type):
                given_queue = given_queue()
        elif isinstance(given_queue, dict):
            given_queue = self.configure_custom(self.convert(dict(given_queue)))
        elif isinstance(given_queue, type):
            given_queue = given_queue()
        if not _is_queue_like_object(given_queue):
            raise TypeError(f"Invalid queue specifier {given_queue!r}")
        config["queue"] = given_queue
        listener = config.pop("listener", None)
        listener_options = {}
        if listener is None:
            listener = femtologging.handlers.QueueListener
        elif isinstance(listener, str):
            listener = self.resolve(listener)
        elif isinstance(listener, dict):
            listener_options = dict(listener)
            listener = listener_options.pop("()", femtologging.handlers.QueueListener)
            if isinstance(listener, str):
                listener = self.resolve(listener)
        if not callable(listener):
            raise TypeError(f"Invalid listener specifier {listener!r}")
        listener = _femto_equivalent(listener)
        served = [
            self._named_handler(name, "Unable to set required handler %r")
            for name in config.pop("handlers", None) or ()
        ]
        respect_level = config.pop("respect_handler_level", False)

        def make_listener(handler_queue):
            return listener(
                handler_queue,
                *served,
                respect_handler_level=respect_level,
                **listener_options,
            )

        return make_listener

    def _build_with_builder(self, builder_class, keywords):
        """A femto handler builder: keywords its constructor takes go to it,
        each other key `k` calls `with_k(value)` (a list is spread as
        positional arguments, a mapping as keywords), then `build()`."""
        parameters = inspect.signature(builder_class).parameters
        constructor = {key: keywords.pop(key) for key in list(keywords) if key in parameters}
        builder = builder_class(**constructor)
        for key, value in keywords.items():
            method = getattr(builder, f"with_{key}", None)
            if method is None:
                raise TypeError(
                    f"{builder_class.__name__} has no option {key!r} (no with_{key} method)"
                )
            if isinstance(value, dict):
                method(**value)
            elif isinstance(value, (list, tuple)):
                method(*value)
            else:
                method(value)
        return builder.build()

    # ------------------------------------------------------------ loggers

    def add_handlers(self, logger, handlers):
        """Adds each handler named in `handlers` to the logger; raises `ValueError` naming the one
        that cannot be added."""
        for name in handlers:
            try:
                logger.addHandler(self.config["handlers"][name])
            except Exception as error:
                raise ValueError(f"Unable to add handler {name!r}") from error

    def common_logger_config(self, logger, config, incremental=False):
        """Sets what loggers and the root share: `level`, and (unless `incremental`) `handlers` in
        place of the old ones, and `filters`."""
        level = config.get("level", None)
        if level is not None:
            logger.setLevel(logging._checkLevel(level))
        if incremental:
            return
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        handlers = config.get("handlers", None)
        if handlers:
            self.add_handlers(logger, handlers)
        filters = config.get("filters", None)
        if filters:
            self.add_filters(logger, filters)

    def configure_logger(self, name, config, incremental=False):
        """Configures the logger of that name from its entry under `loggers`, enabling it and
        setting `propagate` when given."""
        logger = logging.getLogger(name)
        self.common_logger_config(logger, config, incremental)
        logger.disabled = False
        propagate = config.get("propagate", None)
        if propagate is not None:
            logger.propagate = propagate

    def configure_root(self, config, incremental=False):
        """Configures the root logger from the `root` entry."""
        self.common_logger_config(logging.getLogger(), config, incremental)
