"""The machinery every configuration shares: turning class paths into
objects (standard `logging` paths become femtologging's), and the
`ext://` / `cfg://` references of a dictionary configuration, resolved lazily
by the `Converting*` containers as the standard `logging.config` documents.
"""

import re
import sys

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$", re.I)

# The package a path written for the standard library is redirected to.
_STANDARD_PACKAGE = "logging"
_FEMTO_PACKAGE = __name__.rpartition(".")[0]


def valid_ident(s):
    """True for a string usable as a keyword argument name; a ValueError
    naming the string otherwise (as the standard `valid_ident`)."""
    if not (s.isascii() and s.isidentifier()) and not IDENTIFIER.match(s):
        raise ValueError(f"Not a valid Python identifier: {s!r}")
    return True


def _femto_path(dotted):
    """`logging.X` and `logging.handlers.X` name femtologging's own classes,
    so a configuration written for the standard library builds ours."""
    if dotted == _STANDARD_PACKAGE or dotted.startswith(_STANDARD_PACKAGE + "."):
        return _FEMTO_PACKAGE + dotted[len(_STANDARD_PACKAGE) :]
    return dotted


def _femto_equivalent(value):
    """A class (or function) of the real standard `logging` given as an object
    is swapped for femtologging's of the same name, when there is one."""
    module_name = getattr(value, "__module__", None)
    if not isinstance(module_name, str):
        return value
    if module_name != _STANDARD_PACKAGE and not module_name.startswith(_STANDARD_PACKAGE + "."):
        return value
    standard = sys.modules.get(module_name)
    name = getattr(value, "__qualname__", None)
    if standard is None or not isinstance(name, str) or getattr(standard, name, None) is not value:
        return value
    femto = sys.modules.get(_femto_path(module_name))
    return getattr(femto, name, value) if femto is not None else value


def _locate(dotted, importer):
    """Imports the longest module prefix of `dotted` and walks attributes for
    the rest, importing submodules that are not attributes yet."""
    parts = dotted.split(".")
    path = parts[0]
    found = importer(path)
    for part in parts[1:]:
        path = f"{path}.{part}"
        if not hasattr(found, part):
            importer(path)
        found = getattr(found, part)
    return found


def _resolve(name):
    """The object a dotted path names (the `class=` of an INI handler)."""
    return _locate(_femto_path(name), __import__)


class ConvertingMixin:
    """Converts a value on access (strings with `ext://`/`cfg://`, nested
    dicts, lists and tuples) and keeps the converted value in its place."""

    def convert_with_key(self, key, value, replace=True):
        """Converts the value found at `key`, puts the result in its place (unless `replace` is
        false) and links a converted container to its parent, so that `cfg://` paths can be
        followed from it."""
        converted = self.configurator.convert(value)
        if converted is not value:
            if replace:
                self[key] = converted
            if type(converted) in (ConvertingDict, ConvertingList, ConvertingTuple):
                converted.parent = self
                converted.key = key
        return converted

    def convert(self, value):
        """Converts a value that has no key of its own (one popped from a list)."""
        converted = self.configurator.convert(value)
        if converted is not value and type(converted) in (
            ConvertingDict,
            ConvertingList,
            ConvertingTuple,
        ):
            converted.parent = self
        return converted


class ConvertingDict(dict, ConvertingMixin):
    """A dict whose values are converted when read."""

    def __getitem__(self, key):
        return self.convert_with_key(key, dict.__getitem__(self, key))

    def get(self, key, default=None):
        """`dict.get`, with the value converted."""
        return self.convert_with_key(key, dict.get(self, key, default))

    def pop(self, key, default=None):
        """`dict.pop`, with the value converted (and not put back)."""
        return self.convert_with_key(key, dict.pop(self, key, default), replace=False)


class ConvertingList(list, ConvertingMixin):
    """A list whose items are converted when read."""

    def __getitem__(self, key):
        return self.convert_with_key(key, list.__getitem__(self, key))

    def pop(self, idx=-1):
        """`list.pop`, with the item converted."""
        return self.convert(list.pop(self, idx))


class ConvertingTuple(tuple, ConvertingMixin):
    """A tuple whose items are converted when read (never replaced)."""

    def __getitem__(self, key):
        return self.convert_with_key(key, tuple.__getitem__(self, key), replace=False)


# Values that never convert, answered before any other test.
_PLAIN_SCALARS = frozenset((int, float, bool))

_REFERENCE_PATTERN = re.compile(r"^(?P<prefix>[a-z]+)://(?P<suffix>.*)$")


class BaseConfigurator:
    """Resolves `ext://` (an importable object) and `cfg://` (a path inside
    the configuration itself) references and builds `()` factories."""

    CONVERT_PATTERN = _REFERENCE_PATTERN
    WORD_PATTERN = re.compile(r"^\s*(\w+)\s*")
    DOT_PATTERN = re.compile(r"^\.\s*(\w+)\s*")
    INDEX_PATTERN = re.compile(r"^\[([^\[\]]*)\]\s*")
    DIGIT_PATTERN = re.compile(r"^\d+$")

    value_converters = {"ext": "ext_convert", "cfg": "cfg_convert"}

    importer = staticmethod(__import__)

    def __init__(self, config):
        """Wraps `config` (a dict) in a `ConvertingDict` whose values resolve as they are read."""
        self.config = ConvertingDict(config)
        self.config.configurator = self

    def resolve(self, s):
        """The object a dotted path names; a ValueError naming the path."""
        try:
            return _locate(_femto_path(s), self.importer)
        except (ImportError, AttributeError) as error:
            raise ValueError(f"Cannot resolve {s!r}: {error}") from error

    def ext_convert(self, value):
        """Resolves an `ext://` value: the object at that dotted import path."""
        return self.resolve(value)

    def cfg_convert(self, value):
        """Follows `word(.attr|[index])*` from the top of the configuration."""
        # The paths being followed, to name a circle instead of recursing
        # until the interpreter gives up (kept off __init__, which
        # subclasses may replace).
        following = self.__dict__.setdefault("_following", [])
        if value in following:
            chain = " -> ".join(f"cfg://{path}" for path in [*following, value])
            raise ValueError(f"Circular cfg:// reference: {chain}")
        following.append(value)
        try:
            return self._follow(value)
        finally:
            following.pop()

    def _follow(self, value):
        match = self.WORD_PATTERN.match(value)
        if match is None:
            raise ValueError(f"Unable to convert {value!r}")
        rest = value[match.end() :]
        found = self.config[match.group(1)]
        while rest:
            attribute = self.DOT_PATTERN.match(rest)
            if attribute is not None:
                found = found[attribute.group(1)]
            else:
                index = self.INDEX_PATTERN.match(rest)
                if index is None:
                    raise ValueError(f"Unable to convert {value!r} at {rest!r}")
                key = index.group(1)
                if self.DIGIT_PATTERN.match(key):
                    try:
                        found = found[int(key)]
                    except TypeError:
                        found = found[key]
                else:
                    found = found[key]
                attribute = index
            rest = rest[attribute.end() :]
        return found

    def convert(self, value):
        """Wraps containers so their contents convert too, and replaces a
        string with a known `prefix://` by what it refers to."""
        if value is None or type(value) in _PLAIN_SCALARS:
            return value
        if isinstance(value, str):
            # Most values are plain strings: no regular expression for them
            # (unless a subclass changed the pattern).
            if "://" in value or self.CONVERT_PATTERN is not _REFERENCE_PATTERN:
                match = self.CONVERT_PATTERN.match(value)
                if match is not None:
                    converter_name = self.value_converters.get(match.group("prefix"))
                    if converter_name is not None:
                        value = getattr(self, converter_name)(match.group("suffix"))
        elif isinstance(value, dict):
            if not isinstance(value, ConvertingDict):
                value = ConvertingDict(value)
                value.configurator = self
        elif isinstance(value, list):
            if not isinstance(value, ConvertingList):
                value = ConvertingList(value)
                value.configurator = self
        elif (
            isinstance(value, tuple)
            and not isinstance(value, ConvertingTuple)
            and not hasattr(value, "_fields")
        ):
            value = ConvertingTuple(value)
            value.configurator = self
        return value

    def configure_custom(self, config):
        """Calls the `()` factory with the other keys as keywords, then sets
        the attributes of the `.` mapping on what it returned."""
        factory = config.pop("()")
        if not callable(factory):
            factory = self.resolve(factory)
        factory = _femto_equivalent(factory)
        attributes = config.pop(".", None)
        keywords = {key: config[key] for key in list(config) if valid_ident(key)}
        result = factory(**keywords)
        if attributes:
            for name, value in attributes.items():
                setattr(result, name, value)
        return result

    def as_tuple(self, value):
        """A list (an address, a mail host) becomes the tuple handlers expect."""
        if isinstance(value, list):
            value = tuple(value)
        return value
