"""Static scan of the installed Odoo source for standard-library APIs that
Python 3.8-3.11 removed (and library APIs removed by the versions pinned here).

Every hit must be either cured by a runtime fix (``FIXED``) or listed in
``ACCEPTED`` with the reason it is harmless; ``tests/test_runtime_scan.py``
fails on anything else, so an upgrade of the Odoo wheels or a new removed
API shows up at once.  ``python -m soon_testing.scan`` prints the table.
"""

import ast
import fnmatch
import os
import re
import sys
from collections import namedtuple

from soon_runtime.fixes_stdlib import _ABC_NAMES

Hit = namedtuple("Hit", "path line api")

#: the names collections re-exported from collections.abc until Python 3.10 (the runtime
#: puts them back: the scan reports Odoo code that still needs it)
_COLLECTIONS_ABCS = frozenset(_ABC_NAMES)

#: module attribute -> (api label, Python version that removed it)
_REMOVED_ATTRS = {
    ("inspect", "getargspec"): "inspect.getargspec (3.11)",
    ("inspect", "formatargspec"): "inspect.formatargspec (3.11)",
    ("inspect", "getmoduleinfo"): "inspect.getmoduleinfo (3.6)",
    ("base64", "encodestring"): "base64.encodestring (3.9)",
    ("base64", "decodestring"): "base64.decodestring (3.9)",
    ("time", "clock"): "time.clock (3.8)",
    ("cgi", "escape"): "cgi.escape (3.8)",
    ("cgi", "parse_qs"): "cgi.parse_qs (3.8)",
    ("cgi", "parse_qsl"): "cgi.parse_qsl (3.8)",
    ("platform", "dist"): "platform.dist (3.8)",
    ("platform", "linux_distribution"): "platform.linux_distribution (3.8)",
    ("os", "errno"): "os.errno (3.7)",
    ("fractions", "gcd"): "fractions.gcd (3.9)",
    ("sys", "setcheckinterval"): "sys.setcheckinterval (3.9)",
    ("sys", "getcheckinterval"): "sys.getcheckinterval (3.9)",
    ("gettext", "lgettext"): "gettext.lgettext (3.11)",
    ("gettext", "ldgettext"): "gettext.ldgettext (3.11)",
    ("gettext", "lngettext"): "gettext.lngettext (3.11)",
    ("gettext", "bind_textdomain_codeset"): "gettext.bind_textdomain_codeset (3.11)",
    ("binascii", "b2a_hqx"): "binascii.b2a_hqx (3.11)",
    ("binascii", "a2b_hqx"): "binascii.a2b_hqx (3.11)",
    ("asyncio", "coroutine"): "asyncio.coroutine (3.11)",
    ("asyncio", "async"): "asyncio.async (3.7)",
    ("unittest", "_TextTestResult"): "unittest._TextTestResult (3.11)",
    ("html.parser", "HTMLParseError"): "HTMLParseError (3.5)",
    ("yaml", "load"): "yaml.load without Loader (PyYAML 6)",
}
_REMOVED_MODULES = {
    "xml.etree.cElementTree": "xml.etree.cElementTree (3.9)",
    "parser": "parser module (3.10)",
    "symbol": "symbol module (3.10)",
    "formatter": "formatter module (3.10)",
    "binhex": "binhex module (3.11)",
    "macpath": "macpath module (3.8)",
    "dummy_threading": "dummy_threading (3.9)",
}
#: modules still in Python 3.11 (deprecated) that a later Python removes:
#: module -> (api label, first Python version without it)
_DEPRECATED_MODULES = {
    "imp": ("imp module (deprecated, gone in 3.12)", (3, 12)),
    "distutils": ("distutils (deprecated, gone in 3.12)", (3, 12)),
    "asynchat": ("asynchat (deprecated, gone in 3.12)", (3, 12)),
    "asyncore": ("asyncore (deprecated, gone in 3.12)", (3, 12)),
    "smtpd": ("smtpd (deprecated, gone in 3.12)", (3, 12)),
    "imghdr": ("imghdr (deprecated, gone in 3.13)", (3, 13)),
    "crypt": ("crypt (deprecated, gone in 3.13)", (3, 13)),
    "cgi": ("cgi (deprecated, gone in 3.13)", (3, 13)),
    "cgitb": ("cgitb (deprecated, gone in 3.13)", (3, 13)),
    "pipes": ("pipes (deprecated, gone in 3.13)", (3, 13)),
    "telnetlib": ("telnetlib (deprecated, gone in 3.13)", (3, 13)),
    "uu": ("uu (deprecated, gone in 3.13)", (3, 13)),
    "mailcap": ("mailcap (deprecated, gone in 3.13)", (3, 13)),
}
#: zero-argument methods removed from stdlib classes
_REMOVED_METHODS = {
    "isAlive": "Thread.isAlive (3.9)",
    "getchildren": "Element.getchildren (3.9)",
    "getiterator": "Element.getiterator (3.9)",
    "tostring": "array.tostring (3.9)",
    "fromstring": "array.fromstring (3.9)",
}

#: api -> runtime fix (soon_runtime.fixes_*) that cures every occurrence
FIXED = {
    "collections ABC alias (3.10)": "collections_abc_aliases",
    "inspect.getargspec (3.11)": "inspect_getargspec",
    "inspect.formatargspec (3.11)": "inspect_getargspec",
    "base64.encodestring (3.9)": "base64_encodestring",
    "base64.decodestring (3.9)": "base64_encodestring",
    "Thread.isAlive (3.9)": "thread_isalive",
    "yaml.load without Loader (PyYAML 6)": "yaml_loader",
    "ast.Name for None/True/False (3.8)": "qweb_ast",
    "ast.arguments without posonlyargs (3.8)": "qweb_ast",
}

#: (path pattern relative to the odoo package, api) -> why it is harmless
ACCEPTED = {
    (
        "addons/web/controllers/main.py",
        "Element.getchildren (3.9)",
    ): "xml.etree element in concat_xml: the function is replaced by web_concat_xml",
    ("addons/base/ir/ir_ui_view.py", "Element.getchildren (3.9)"): "lxml element: lxml keeps getchildren()",
    ("addons/base/ir/ir_qweb/qweb.py", "Element.getchildren (3.9)"): "lxml element: lxml keeps getchildren()",
    ("addons/base/ir/ir_ui_view.py", "Element.getiterator (3.9)"): "lxml element: lxml keeps getiterator()",
    ("tools/misc.py", "array.tostring (3.9)"): "detect_ip_addr(): dead code, never called, already broken on Python 3",
    (
        "addons/hw_*/controllers/main.py",
        "Thread.isAlive (3.9)",
    ): "PosBox drivers, not installed here (and cured by thread_isalive anyway)",
    (
        "addons/test_limits/models.py",
        "time.clock (3.8)",
    ): "test module of the test suite for resource limits, never installed here",
    (
        "addons/website_mail_channel/models/mail_channel.py",
        "hmac.new without digestmod (3.8)",
    ): "website_mail_channel is not in the dependency set of the SoOn add-ons",
    (
        "addons/mass_mailing/models/mass_mailing.py",
        "random.sample of a set (3.11)",
    ): "mass_mailing A/B testing, not in the dependency set of the SoOn add-ons",
}

#: deprecated modules still present in the pinned Python: (path pattern, api) -> why,
#: accepted only while the running Python still has the module
ACCEPTED_WHILE_PRESENT = {
    (
        "modules/module.py",
        "imp module (deprecated, gone in 3.12)",
    ): "AddonsHook/OdooHook import add-ons with imp.find_module/load_module: core of Odoo 11's "
    "import system; works on 3.11 (DeprecationWarning only)",
    (
        "modules/migration.py",
        "imp module (deprecated, gone in 3.12)",
    ): "imp.load_source for migration scripts (-u of a module with migrations/)",
    (
        "addons/base/ir/ir_actions_report.py",
        "distutils (deprecated, gone in 3.12)",
    ): "LooseVersion compares the wkhtmltopdf version (0.12.6 >= 0.12.0: 'ok')",
    (
        "addons/test_pylint/tests/test_pylint.py",
        "distutils (deprecated, gone in 3.12)",
    ): "test module of Odoo's own lint check, never installed here",
    (
        "addons/web/controllers/main.py",
        "imghdr (deprecated, gone in 3.13)",
    ): "content type of the company logo (/web/binary/company_logo)",
    ("addons/hw_*", "*"): "PosBox drivers, not installed here",
}


class _Visitor(ast.NodeVisitor):
    def __init__(self, path):
        self.path = path
        self.hits = []
        self.aliases = {}  # local name -> module

    def hit(self, node, api):
        self.hits.append(Hit(self.path, node.lineno, api))

    def deprecated(self, node, module):
        top = module.split(".")[0]
        if top in _DEPRECATED_MODULES and not getattr(node, "level", 0):
            self.hit(node, _DEPRECATED_MODULES[top][0])

    def visit_Import(self, node):
        for alias in node.names:
            self.aliases[alias.asname or alias.name.split(".")[0]] = (
                alias.name if alias.asname else alias.name.split(".")[0]
            )
            if alias.name in _REMOVED_MODULES:
                self.hit(node, _REMOVED_MODULES[alias.name])
            self.deprecated(node, alias.name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if module in _REMOVED_MODULES:
            self.hit(node, _REMOVED_MODULES[module])
        self.deprecated(node, module)
        for alias in node.names:
            if module == "collections" and alias.name in _COLLECTIONS_ABCS:
                self.hit(node, "collections ABC alias (3.10)")
            if (module, alias.name) in _REMOVED_ATTRS:
                self.hit(node, _REMOVED_ATTRS[module, alias.name])
            if module == "xml.etree" and alias.name == "cElementTree":
                self.hit(node, _REMOVED_MODULES["xml.etree.cElementTree"])
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name):
            module = self.aliases.get(node.value.id, node.value.id)
            if module == "collections" and node.attr in _COLLECTIONS_ABCS:
                self.hit(node, "collections ABC alias (3.10)")
            elif (module, node.attr) in _REMOVED_ATTRS and (module, node.attr) != ("yaml", "load"):
                self.hit(node, _REMOVED_ATTRS[module, node.attr])
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            owner = self.aliases.get(owner, owner)
            if (
                func.attr in _REMOVED_METHODS
                and not node.args
                and not node.keywords
                and owner not in ("etree", "ElementTree", "lxml")
            ):
                self.hit(node, _REMOVED_METHODS[func.attr])
            if (
                owner == "yaml"
                and func.attr == "load"
                and len(node.args) < 2
                and not any(k.arg == "Loader" for k in node.keywords)
            ):
                self.hit(node, "yaml.load without Loader (PyYAML 6)")
            if (
                owner == "hmac"
                and func.attr == "new"
                and len(node.args) < 3
                and not any(k.arg == "digestmod" for k in node.keywords)
            ):
                self.hit(node, "hmac.new without digestmod (3.8)")
            if owner == "random" and func.attr == "sample" and node.args:
                first = node.args[0]
                if isinstance(first, (ast.Set, ast.SetComp)) or (
                    isinstance(first, ast.Name) and self._is_set_name(first.id, node)
                ):
                    self.hit(node, "random.sample of a set (3.11)")
            if owner == "ast" and func.attr == "Name":
                ident = next((k.value for k in node.keywords if k.arg == "id"), node.args[0] if node.args else None)
                if isinstance(ident, ast.Constant) and ident.value in ("None", "True", "False"):
                    self.hit(node, "ast.Name for None/True/False (3.8)")
            if owner == "ast" and func.attr == "arguments" and not any(k.arg == "posonlyargs" for k in node.keywords):
                self.hit(node, "ast.arguments without posonlyargs (3.8)")
            if (
                owner == "re"
                and func.attr
                in ("compile", "search", "match", "sub", "subn", "findall", "finditer", "split", "fullmatch")
                and node.args
            ):
                pattern = node.args[0]
                if isinstance(pattern, ast.Constant) and isinstance(pattern.value, (str, bytes)):
                    text = pattern.value if isinstance(pattern.value, str) else pattern.value.decode("latin-1")
                    if re.search(r"\(\?[aiLmsux]+\)", text) and not re.match(r"\(\?[aiLmsux]+\)", text):
                        self.hit(node, "re global flags not at the start (3.11)")
        self.generic_visit(node)

    # set-valued local names assigned in the same function (e.g. ``x = set(...)``)
    def visit_FunctionDef(self, node):
        self._sets = {
            target.id
            for stmt in ast.walk(node)
            if isinstance(stmt, ast.Assign)
            for target in stmt.targets
            if isinstance(target, ast.Name)
            if _is_set_expr(stmt.value)
        }
        self.generic_visit(node)

    def _is_set_name(self, name, node):
        return name in getattr(self, "_sets", ())


def _is_set_expr(value):
    if isinstance(value, (ast.Set, ast.SetComp)):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name) and func.id in ("set", "frozenset"):
            return True
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("difference", "union", "intersection")
            and _is_set_expr(func.value)
        ):
            return True
    return False


def odoo_root():
    import importlib.util

    spec = importlib.util.find_spec("odoo")
    return os.path.dirname(spec.origin)


def scan(root=None):
    """Every occurrence of a removed API in the Python files under ``root``."""
    root = root or odoo_root()
    hits = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for filename in sorted(filenames):
            if not filename.endswith(".py"):
                continue
            path = os.path.join(dirpath, filename)
            with open(path, "rb") as fp:
                source = fp.read()
            try:
                tree = ast.parse(source, filename=path)
            except SyntaxError as exc:
                hits.append(Hit(os.path.relpath(path, root), exc.lineno or 0, "SyntaxError: %s" % exc.msg))
                continue
            visitor = _Visitor(os.path.relpath(path, root))
            visitor.visit(tree)
            hits.extend(visitor.hits)
    return hits


def classify(hit):
    """('fixed', fix name) / ('accepted', reason) / ('open', None)."""
    if hit.api in FIXED and not (hit.api == "Element.getchildren (3.9)"):
        return "fixed", FIXED[hit.api]
    for (pattern, api), reason in ACCEPTED.items():
        if api == hit.api and fnmatch.fnmatch(hit.path, pattern):
            return "accepted", reason
    gone_in = next((v for label, v in _DEPRECATED_MODULES.values() if label == hit.api), None)
    if gone_in and sys.version_info < gone_in:
        for (pattern, api), reason in ACCEPTED_WHILE_PRESENT.items():
            if fnmatch.fnmatch(hit.api, api) and fnmatch.fnmatch(hit.path, pattern):
                return "accepted", reason
    return "open", None


def main():
    hits = scan(sys.argv[1] if len(sys.argv) > 1 else None)
    width = max([len(h.path) for h in hits] + [10])
    status = 0
    for hit in hits:
        kind, why = classify(hit)
        status |= kind == "open"
        print("%-8s %-*s %5d  %-40s %s" % (kind, width, hit.path, hit.line, hit.api, why or ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
