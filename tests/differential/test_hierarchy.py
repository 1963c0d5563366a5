"""The logger tree: dotted names, placeholders, propagation and the root."""

from ._harness import differential


@differential
def test_records_propagate_to_every_ancestor_handler(logging):
    """A record reaches the handlers of its logger and of every ancestor, nearest first."""
    import sys

    for name in ("", "app", "app.db"):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(f"[{name or 'root'}] %(name)s %(message)s"))
        logging.getLogger(name).addHandler(handler)
    logging.getLogger("app.db.pool").warning("exhausted")
    logging.getLogger("app.web").warning("slow")
    logging.getLogger("other").warning("elsewhere")


@differential
def test_placeholders_are_replaced_when_the_parent_is_created_later(logging):
    """Loggers created before their ancestors are re-parented when the ancestor appears."""
    deep = logging.getLogger("x.y.z")
    sibling = logging.getLogger("x.y.w")
    print(deep.parent.name, sibling.parent.name)
    print(type(logging.root.manager.loggerDict["x.y"]).__name__)
    middle = logging.getLogger("x.y")
    print(deep.parent is middle, sibling.parent is middle, middle.parent.name)
    top = logging.getLogger("x")
    print(middle.parent is top, top.parent is logging.root, deep.parent.parent.parent.name)
    print(sorted(logging.root.manager.loggerDict))


@differential
def test_propagate_false_stops_at_the_logger(logging):
    """With propagate False a record stops at its logger even if it has no handlers."""
    import sys

    logging.basicConfig(stream=sys.stdout, format="root saw %(name)s %(message)s")
    service = logging.getLogger("service")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("service saw %(name)s %(message)s"))
    service.addHandler(handler)
    service.propagate = False
    logging.getLogger("service.worker").warning("stays below root")
    muted = logging.getLogger("muted")
    muted.propagate = False
    muted.warning("goes nowhere, not even lastResort")
    print(muted.hasHandlers(), service.hasHandlers(), logging.getLogger("free").hasHandlers())


@differential
def test_get_child_builds_dotted_names(logging):
    """getChild appends a suffix, and on the root it returns the top-level logger itself."""
    parent = logging.getLogger("parent")
    print(parent.getChild("kid").name, parent.getChild("a.b").name)
    print(parent.getChild("kid") is logging.getLogger("parent.kid"))
    print(
        logging.root.getChild("top").name, logging.root.getChild("top") is logging.getLogger("top")
    )


@differential
def test_root_logger_is_named_root_and_found_by_that_name(logging):
    """getLogger(), getLogger(None) and getLogger('root') all return the root logger."""
    root = logging.getLogger()
    print(root.name, root is logging.root, logging.getLogger(None) is root)
    print(logging.getLogger("root") is root, logging.getLogger("") is root)
    print(root.level, logging.getLevelName(root.level), root.parent, root.propagate)
    print(repr(root), repr(logging.getLogger("some.name")))
    for name in (1, b"bytes"):
        try:
            logging.getLogger(name)
        except TypeError as error:
            print(repr(name), error)


@differential
def test_loggers_and_handlers_have_informative_reprs(logging):
    """Loggers, handlers and adapters show their name and effective level in repr."""
    import io
    import sys

    logger = logging.getLogger("shown")
    logger.setLevel(logging.INFO)
    print(repr(logger), repr(logging.getLogger("shown.child")))
    print(repr(logging.StreamHandler(sys.stdout)), repr(logging.StreamHandler(sys.stderr)))
    print(repr(logging.NullHandler()), repr(logging.Handler(logging.ERROR)))
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(7)
    print(repr(handler))
    print(repr(logging.LoggerAdapter(logger, {})))
    print(repr(logging.makeLogRecord({"name": "n", "msg": "text", "lineno": 4})))


@differential
def test_adding_the_same_handler_twice_keeps_one_copy(logging):
    """addHandler ignores a handler already attached, and removeHandler ignores an absent one."""
    import sys

    logger = logging.getLogger("dedupe")
    handler = logging.StreamHandler(sys.stdout)
    logger.addHandler(handler)
    logger.addHandler(handler)
    logger.warning("once")
    logger.removeHandler(handler)
    logger.removeHandler(handler)
    print(len(logger.handlers))
    logger.warning("to last resort")


@differential(min_version=(3, 12))
def test_get_children_lists_direct_children_only(logging):
    """Logger.getChildren returns the immediate children, skipping placeholders."""
    logging.getLogger("p.a")
    logging.getLogger("p.b.deep")
    logging.getLogger("p.c")
    logging.getLogger("pc")
    parent = logging.getLogger("p")
    print(sorted(child.name for child in parent.getChildren()))
    print(sorted(child.name for child in logging.root.getChildren())[:5])


@differential
def test_manager_tracks_every_named_logger(logging):
    """Logger.manager is shared and its loggerDict holds loggers and placeholders by name."""
    logging.getLogger("m.one")
    logging.getLogger("m.two.three")
    manager = logging.Logger.manager
    print(manager is logging.root.manager, manager.root is logging.root)
    print(sorted((name, type(item).__name__) for name, item in manager.loggerDict.items()))
    print(logging.getLogger("m.one").manager is manager)
