"""Standard-library APIs that Odoo 11 uses and Python 3.9-3.11 removed.

Each fix runs once, right before the ``odoo`` package is imported, and only
restores the removed name as an alias of its documented replacement, with
the same behaviour Odoo 11 relied on under Python 3.6.
"""

import base64
import collections
import collections.abc
import inspect
import os
import threading

from ._registry import fix

_ABC_NAMES = (
    "Awaitable",
    "Coroutine",
    "AsyncIterable",
    "AsyncIterator",
    "AsyncGenerator",
    "Hashable",
    "Iterable",
    "Iterator",
    "Generator",
    "Reversible",
    "Sized",
    "Container",
    "Callable",
    "Collection",
    "Set",
    "MutableSet",
    "Mapping",
    "MutableMapping",
    "MappingView",
    "KeysView",
    "ItemsView",
    "ValuesView",
    "Sequence",
    "MutableSequence",
    "ByteString",
)


@fix("odoo", when="before")
def collections_abc_aliases():
    """Python 3.10 removed the ABC aliases in ``collections``: ``import odoo``
    dies in models.py (``collections.Set.register(BaseModel)``) and
    ``osv.expression`` / ``tools.misc`` raise AttributeError on
    ``collections.Iterable``."""
    for name in _ABC_NAMES:
        if not hasattr(collections, name) and hasattr(collections.abc, name):
            setattr(collections, name, getattr(collections.abc, name))


ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")


def _getargspec(func):
    spec = inspect.getfullargspec(func)
    if spec.kwonlyargs or spec.annotations:
        # same refusal as Python 3.6's inspect.getargspec
        raise ValueError(
            "Function has keyword-only parameters or annotations, use inspect.signature() API which can support them"
        )
    return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)


def _formatargspec(
    args,
    varargs=None,
    varkw=None,
    defaults=None,
    kwonlyargs=(),
    kwonlydefaults=None,
    annotations=None,
    formatarg=str,
    formatvarargs=lambda name: "*" + name,
    formatvarkw=lambda name: "**" + name,
    formatvalue=lambda value: "=" + repr(value),
):
    """``(a, b=1, *args, c, **kw)`` from the parts of an argspec (Python 3.6 output)."""
    kwonlydefaults = kwonlydefaults or {}
    parts = []
    first_default = len(args) - len(defaults) if defaults else len(args)
    for index, arg in enumerate(args):
        text = formatarg(arg)
        if index >= first_default:
            text += formatvalue(defaults[index - first_default])
        parts.append(text)
    if varargs is not None:
        parts.append(formatvarargs(formatarg(varargs)))
    elif kwonlyargs:
        parts.append("*")
    for arg in kwonlyargs or ():
        text = formatarg(arg)
        if arg in kwonlydefaults:
            text += formatvalue(kwonlydefaults[arg])
        parts.append(text)
    if varkw is not None:
        parts.append(formatvarkw(formatarg(varkw)))
    return "(" + ", ".join(parts) + ")"


@fix("odoo", when="before")
def inspect_getargspec():
    """Python 3.11 removed ``inspect.getargspec`` and ``formatargspec``:
    ``odoo.api`` (method decorators), ``tools.cache`` (every ``ormcache``)
    and ``http.route`` fail at import time."""
    if not hasattr(inspect, "getargspec"):
        inspect.getargspec = _getargspec
        inspect.ArgSpec = ArgSpec
    if not hasattr(inspect, "formatargspec"):
        inspect.formatargspec = _formatargspec


@fix("odoo", when="before")
def base64_encodestring():
    """Python 3.9 removed ``base64.encodestring``/``decodestring`` (15 call
    sites: report attachments, menu icons, language import/export, file
    uploads in the web client)."""
    if not hasattr(base64, "encodestring"):
        base64.encodestring = base64.encodebytes
    if not hasattr(base64, "decodestring"):
        base64.decodestring = base64.decodebytes


@fix("odoo", when="before")
def thread_isalive():
    """Python 3.9 removed ``Thread.isAlive``: every browser test ends with an
    AttributeError in ``HttpCase._wait_remaining_requests`` and the server's
    graceful shutdown (``service/server.py``) crashes."""
    if not hasattr(threading.Thread, "isAlive"):
        threading.Thread.isAlive = threading.Thread.is_alive


@fix("odoo", when="before")
def lessc_node_path():
    """Debian's ``node-less`` cannot find its own modules ("Cannot find module
    'tslib'") under the NodeSource Node.js of these machines unless
    ``NODE_PATH`` points at Debian's node modules: without it every website
    and back-office page is served without CSS."""
    debian_modules = "/usr/share/nodejs"
    if os.path.isdir(debian_modules):
        paths = [p for p in os.environ.get("NODE_PATH", "").split(os.pathsep) if p]
        if debian_modules not in paths:
            paths.append(debian_modules)
            os.environ["NODE_PATH"] = os.pathsep.join(paths)
