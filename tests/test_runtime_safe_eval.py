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
            "result.append(f'{len(result)}-done')\n"
        )
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
        for name in (
            "MAKE_CELL",
            "LOAD_CLOSURE",
            "LOAD_DEREF",
            "STORE_DEREF",
            "COPY_FREE_VARS",
            "BEFORE_WITH",
            "DELETE_SUBSCR",
            "PRINT_EXPR",
            "STORE_ATTR",
            "IMPORT_NAME",
        ):
            self.assertNotIn(opmap[name], _SAFE_OPCODES, name)


#: the master password, read through a field of a format string
_FORMAT_ESCAPES = {
    "format": "'{0.__globals__[config].options[admin_passwd]}'.format(fn)",
    "format on a bound method": "'{0.browse.__globals__[config].options[admin_passwd]}'.format(records)",
    "format_map": "'{x.__globals__[config].options[admin_passwd]}'.format_map({'x': fn})",
    "format taken as a value": "list(map('{0.__globals__[config].options[admin_passwd]}'.format, [fn]))",
    "str.format": "str.format('{0.__globals__[config].options[admin_passwd]}', fn)",
}


class TestSafeEvalEscapes(TransactionCase):
    """Finding 11 of issue 10: ways out of safe_eval that Odoo 11's name check missed."""

    def _context(self):
        from odoo.models import BaseModel

        # fn: any function of odoo.models (its globals hold ``config``)
        return {"fn": BaseModel.browse, "records": self.env["res.partner"].browse()}

    def test_format_cannot_read_the_master_password(self):
        from odoo.tools import config

        for label, expr in _FORMAT_ESCAPES.items():
            with self.subTest(label):
                try:
                    leaked = safe_eval(expr, self._context())
                except (NameError, ValueError) as exc:
                    self.assertIn("format", str(exc))
                else:
                    self.fail("%s evaluated to %r (master password %r)" % (label, leaked, config["admin_passwd"]))

    def test_frames_are_out_of_reach(self):
        code = {
            "coroutine frame": "async def f():\n    return 1\nc = f()\nresult = c.cr_frame.f_back\n",
            "async generator frame": "async def g():\n    yield 1\nresult = g().ag_frame\n",
            "generator frame": "result = (x for x in ()).gi_frame\n",
            "caller frame": "result = frame.f_back\n",
            "traceback frame": "result = tb.tb_frame\n",
            "next traceback": "result = tb.tb_next\n",
            "frame code": "result = frame.f_code\n",
        }
        for label, source in code.items():
            with self.subTest(label):
                with self.assertRaises(NameError):
                    safe_eval(source, {"frame": None, "tb": None}, mode="exec", nocopy=True)

    def test_formatting_without_format_still_works(self):
        ctx = {"name": "Bob", "amount": 2.5}
        self.assertEqual(safe_eval("'%s owes %.2f' % (name, amount)", ctx), "Bob owes 2.50")
        self.assertEqual(safe_eval("f'{name} owes {amount:.2f}'", ctx), "Bob owes 2.50")
        # an f-string field is compiled code: its attributes go through the name check
        with self.assertRaises(NameError):
            safe_eval("f'{fn.__globals__}'", self._context())

    def test_qweb_refuses_format(self):
        """QWeb compiles t-esc with safe_eval's check: format is refused there too."""
        view = self.env["ir.ui.view"].create(
            {
                "name": "soon format escape",
                "type": "qweb",
                "arch": "<t t-name='soon_format_escape'><t t-esc=\"'{0}'.format(1)\"/></t>",
            }
        )
        with self.assertRaises(Exception) as caught:
            self.env["ir.qweb"].render(view.id, {})
        self.assertIn("format", str(caught.exception))


class TestMailTemplateSandbox(TransactionCase):
    """Finding 11: Odoo 11's mail templates run in Jinja2's sandbox (2.11 here)."""

    ESCAPES = {
        "str.format": "${str.format('{0.__globals__[tools].config.options[admin_passwd]}', format_date)}",
        "str.format_map": "${str.format_map('{x.__globals__[tools].config.options[admin_passwd]}', "
        "{'x': format_date})}",
        "format passed to map": "${map('{0.__globals__[tools].config.options[admin_passwd]}'.format, "
        "[format_date])|join}",
        "format through attr": "${('{0.__globals__[tools]}'|attr('format'))(format_date)}",
        "attr filter passed to map": "${map('{0.__globals__[tools].config.options[admin_passwd]}'|attr('format'), "
        "[format_date])|join}",
        "str|attr passed to map": "${map(str|attr('format'), ['{0.__globals__[tools].config.options[admin_passwd]}'], "
        "[format_date])|join}",
        "bound format": "${'{0.__class__.__mro__}'.format(user)}",
        "bound format_map": "${'{x.__globals__}'.format_map({'x': format_date})}",
    }

    def setUp(self):
        super().setUp()
        self.partner = self.env["res.partner"].create({"name": "Sandbox Tester"})
        self.template = self.env["mail.template"]

    def _render(self, text, **context):
        return self.template.with_context(**context).render_template(text, "res.partner", self.partner.id)

    def test_format_cannot_leave_the_sandbox(self):
        from odoo.exceptions import UserError
        from odoo.tools import config

        for safe in (False, True):
            for label, text in self.ESCAPES.items():
                with self.subTest(label, safe=safe):
                    try:
                        rendered = self._render(text, safe=safe)
                    except UserError:
                        continue  # the SecurityError of the sandbox, as Odoo reports it
                    self.assertNotIn(str(config["admin_passwd"]), rendered)
                    self.assertNotIn("object", rendered)
                    self.assertNotIn("__name__", rendered)

    def test_harmless_formatting_renders(self):
        text = (
            "${'{0} {1:.2f}'.format(object.name, 2.5)}|${str.format('{x}', x=3)}|"
            "${'{x}'.format_map({'x': 4})}|${map('<{}>'.format, ['a'])|join}"
        )
        self.assertEqual(self._render(text, safe=True), "Sandbox Tester 2.50|3|4|<a>")
