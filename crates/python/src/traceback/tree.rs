//! The tree of exceptions one traceback prints: the exception, the causes
//! and contexts it links to, and a group's members, each with its text.

use std::collections::HashSet;

use pyo3::exceptions::PyBaseException;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;

use femtologging_core::traceback::{render_tree, ExceptionNode, Link};

use super::source::LineCache;
use super::EXCEPTION_PATH;
use super::{exception_text, traceback_limit, traceback_module, Fallback, Native, Version};

static EXCEPTION_GROUP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The exception and everything printed with it (causes, contexts, group
/// members), built in the order `traceback.TracebackException` builds its
/// tree: an exception is marked seen when it is reached, and a cause or
/// context already seen is not followed again, while a group's members are
/// always listed. Each node is read (frames, source, `str()`) as it is made,
/// as `traceback` reads it.
pub fn exception_tree_text(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    traceback: &Bound<'_, PyAny>,
) -> Native<String> {
    let limit = traceback_limit(py)?;
    EXCEPTION_PATH.check(&traceback_module(py)?)?;
    let mut tree = Tree {
        py,
        limit,
        version: Version::running(py),
        lines: LineCache::open(py)?,
        seen: HashSet::new(),
        nodes: Vec::new(),
    };
    let root = tree.node(value, traceback)?;
    let mut pending = vec![(root, value.clone())];
    while let Some((index, exception)) = pending.pop() {
        let cause = exception.getattr(intern!(py, "__cause__"))?;
        let cause = match tree.unseen(cause) {
            Some(cause) => Some((tree.node_of(&cause)?, cause)),
            None => None,
        };
        let context = if cause.is_none()
            && !exception
                .getattr(intern!(py, "__suppress_context__"))?
                .is_truthy()?
        {
            match tree.unseen(exception.getattr(intern!(py, "__context__"))?) {
                Some(context) => Some((tree.node_of(&context)?, context)),
                None => None,
            }
        } else {
            None
        };
        let members = match group_members(py, &exception)? {
            Some(members) => {
                let mut made = Vec::with_capacity(members.len());
                for member in members {
                    made.push((tree.node_of(&member)?, member));
                }
                Some(made)
            }
            None => None,
        };
        let node = &mut tree.nodes[index];
        node.chained = match (&cause, &context) {
            (Some((earlier, _)), _) => Some((*earlier, Link::Cause)),
            (None, Some((earlier, _))) => Some((*earlier, Link::Context)),
            (None, None) => None,
        };
        node.members = members
            .as_ref()
            .map(|members| members.iter().map(|(at, _)| *at).collect());
        pending.extend(cause);
        pending.extend(context);
        pending.extend(members.into_iter().flatten());
    }
    Ok(render_tree(&tree.nodes, root))
}

struct Tree<'py> {
    py: Python<'py>,
    /// `sys.tracebacklimit`: the outermost frames each traceback keeps.
    limit: Option<usize>,
    version: Version,
    lines: LineCache<'py>,
    seen: HashSet<usize>,
    nodes: Vec<ExceptionNode>,
}

impl<'py> Tree<'py> {
    /// `linked` unless it is `None` or already in the tree.
    fn unseen(&self, linked: Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        (!linked.is_none() && !self.seen.contains(&(linked.as_ptr() as usize))).then_some(linked)
    }

    /// A node for an exception reached through a link or a group.
    fn node_of(&mut self, exception: &Bound<'py, PyAny>) -> Native<usize> {
        let traceback = exception.getattr(intern!(self.py, "__traceback__"))?;
        self.node(exception, &traceback)
    }

    fn node(
        &mut self,
        exception: &Bound<'py, PyAny>,
        traceback: &Bound<'py, PyAny>,
    ) -> Native<usize> {
        check_supported(exception)?;
        self.seen.insert(exception.as_ptr() as usize);
        let text = exception_text(
            self.py,
            exception,
            traceback,
            self.limit,
            &self.lines,
            self.version,
        )?;
        self.nodes.push(ExceptionNode {
            text,
            chained: None,
            members: None,
        });
        Ok(self.nodes.len() - 1)
    }
}

/// The members of an exception group (its `exceptions`), `None` for any
/// other exception.
fn group_members<'py>(
    py: Python<'py>,
    exception: &Bound<'py, PyAny>,
) -> Native<Option<Vec<Bound<'py, PyAny>>>> {
    let group = EXCEPTION_GROUP.get_or_try_init(py, || {
        py.import(intern!(py, "builtins"))?
            .getattr(intern!(py, "BaseExceptionGroup"))
            .map(Bound::unbind)
    })?;
    if !exception.is_instance(group.bind(py))? {
        return Ok(None);
    }
    let members = exception.getattr(intern!(py, "exceptions"))?;
    let members = members.cast_exact::<PyTuple>().map_err(|_| Fallback)?;
    Ok(Some(members.iter().collect()))
}

/// Exceptions whose layout or message `traceback` makes in ways not
/// reproduced here.
fn check_supported(value: &Bound<'_, PyAny>) -> Native<()> {
    if !value.is_instance_of::<PyBaseException>() {
        return Err(Fallback);
    }
    // `traceback` tests the exception's truth before following its links;
    // a false one is left to it.
    if !value.is_truthy()? {
        return Err(Fallback);
    }
    Ok(())
}
