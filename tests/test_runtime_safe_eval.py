"""safe_eval on Python 3.11 accepts what Odoo 11 accepted and refuses the rest.

The accepted side is measured on real data: every Python expression found in
the XML files (data, views, QWeb templates) of the modules installed in the
test database.  Odoo 11 loaded these files on Python 3.5/3.6, so each of them
was accepted there and must be accepted here.
"""
import ast
import importlib
import os

from lxml import etree
from odoo.modules import get_module_path
from odoo.tests.common import TransactionCase
from odoo.tools.safe_eval import _CONST_OPCODES, _EXPR_OPCODES, _SAFE_OPCODES, const_eval, expr_eval, safe_eval

#: attributes evaluated with safe_eval by the data loader / views / actions
EVAL_ATTRS = {"eval", "domain", "context", "attrs", "filter_domain", "options"}
#: QWeb attributes compiled through ir.qweb._compile_expr (same opcode whitelist)
QWEB_ATTRS = {"t-if", "t-elif", "t-esc", "t-raw", "t-value", "t-foreach", "t-att", "t-options"}


def _expressions(xml_path):
    try:
        tree = etree.parse(xml_path)
    except etree.XMLSyntaxError:
        return
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        for name, value in node.attrib.items():
            if name in EVAL_ATTRS or name in QWEB_ATTRS or name.startswith("t-att-"):
                yield name, value.strip()


def _parses(expr):
    try:
        ast.parse(expr, mode="eval")
        return True
    except SyntaxError:
        return False


class TestSafeEval(TransactionCase):

    def test_accepts_every_expression_of_installed_modules(self):
        modules = self.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
        seen, refused = set(), []
        for module in modules:
            root = get_module_path(module)
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = [d for d in dirnames if d not in ("static", "tests", "__pycache__")]
                for filename in filenames:
                    if not filename.endswith(".xml"):
                        continue
                    for attr, expr in _expressions(os.path.join(dirpath, filename)):
                        # %(xmlid)d placeholders are substituted before evaluation
                        if not expr or "%(" in expr or expr in seen or not _parses(expr):
                            continue
                        seen.add(expr)
                        try:
                            importlib.import_module("odoo.tools.safe_eval").test_expr(expr, _SAFE_OPCODES, mode="eval")
                        except (ValueError, NameError) as exc:
                            refused.append("%s/%s [%s] %r: %s" % (module, filename, attr, expr, exc))
        self.assertGreater(len(seen), 3000, "too few expressions collected: %d" % len(seen))
        self.assertEqual(refused, [])

    def test_tiers(self):
        self.assertEqual(const_eval("[1, (2, 3), {'a': {4}}, *[5]]"), [1, (2, 3), {"a": {4}}, 5])
        self.assertEqual(expr_eval("2 ** 3 + 4 * 5 - 6 // 4"), 27)
        self.assertEqual(expr_eval("(3 in [1, 2, 3], None is not None, 1 < 2)"), (True, False, True))
        self.assertEqual(safe_eval("3 in [1, 2, 3] and None is not None"), False)
        # operations are not constants; names and calls are not expressions
        for tier, expr in ((const_eval, "{'a': 1}['a']"), (expr_eval, "abs(-1)"), (expr_eval, "x.y")):
            with self.assertRaises(ValueError):
                tier(expr)

    def test_statements_and_calls(self):
        ctx = {"items": [3, 1, 2]}
        code = (
            "result = []\n"
            "for i in items:\n"
            "    if i % 2:\n"
            "        result.append(i)\n"
            "    else:\n"
            "        continue\n"
            "try:\n"
            "    1 / 0\n"
            "except:  # noqa: E722 (exception classes are not in safe_eval's builtins)\n"
            "    result.append('caught')\n"
            "assert result\n"
            "result.extend(x for x in (7, 8) if x is not None)\n"
            "result.append(dict(a=1, **{'b': 2}))\n"
            "result.append(f'{len(result)}-done')\n")
        safe_eval(code, ctx, mode="exec", nocopy=True)
        self.assertEqual(ctx["result"], [3, 1, "caught", 7, 8, {"a": 1, "b": 2}, "6-done"])

    def test_refuses_what_odoo_11_refused(self):
        refused = {
            "import": ("import os", "exec"),
            "__import__": ("__import__('os')", "eval"),
            "dunder attribute": ("().__class__", "eval"),
            "dunder subclass walk": ("[c for c in ().__class__.__bases__]", "eval"),
            "with": ("with open('/etc/passwd') as f:\n    pass", "exec"),
            "closure": ("def f():\n    x = 1\n    def g():\n        return x\n    return g", "exec"),
            "lambda closure": ("(lambda x: (lambda: x))(1)()", "eval"),
            "attribute assignment": ("a.b = 1", "exec"),
            "delete subscript": ("del a[0]", "exec"),
            "frame access": ("(x for x in ()).gi_frame", "eval"),
        }
        for label, (code, mode) in refused.items():
            with self.subTest(label):
                with self.assertRaises((ValueError, NameError, SyntaxError)):
                    safe_eval(code, {"a": {}}, mode=mode)

    def test_expr_tier_has_no_calls(self):
        from opcode import opmap
        for name in ("PRECALL", "CALL", "LOAD_METHOD", "PUSH_NULL", "LOAD_ATTR", "LOAD_NAME"):
            self.assertNotIn(opmap[name], _EXPR_OPCODES, name)
            self.assertNotIn(opmap[name], _CONST_OPCODES, name)
        for name in ("MAKE_CELL", "LOAD_CLOSURE", "LOAD_DEREF", "STORE_DEREF", "COPY_FREE_VARS",
                     "BEFORE_WITH", "DELETE_SUBSCR", "PRINT_EXPR", "STORE_ATTR", "IMPORT_NAME"):
            self.assertNotIn(opmap[name], _SAFE_OPCODES, name)
