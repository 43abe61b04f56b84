"""The user guide quotes the UI's own words.

Convention of ``docs/user-guide.md`` and ``docs/user-guide/*.md``: **bold** text
is a label of the UI quoted word for word (a menu, button, field, tab, list,
setting, status or message); emphasis and examples are in *italics*.  A menu
path is written ``**Website ‣ Orders ‣ Unpaid Orders**``; ``…`` stands for a
value typed between two parts of a settings row (``**Send after … hours**``).
The English part of a chapter (under ``## English``) quotes the English UI, the
Vietnamese part (under ``## Tiếng Việt``) the Vietnamese one.

A label exists when it is a term of an installed add-on (the add-ons' and
Odoo's own ``i18n/vi.po``: its msgid for English; for Vietnamese its msgstr, or
the msgid itself when no add-on translates it, as the UI then shows it in
English).  A menu path is followed in the installed menus, read in the
guide's language: from a top-level menu, each next part must be a sub-menu
until a menu that opens a screen (the parts after it are labels of that
screen: a settings section, a tab, a field); a path that does not start with a
top-level menu (*Action ‣ …*, *My Account ‣ …*) is a chain of labels.
"""

import html
import os
import re

from lxml import etree
from odoo.modules import get_module_resource
from odoo.tests import common
from odoo.tools.translate import PoFile

from soon_testing.paths import ADDONS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUIDES = [os.path.join(ROOT, "docs", "user-guide.md")] + sorted(
    os.path.join(ROOT, "docs", "user-guide", name)
    for name in os.listdir(os.path.join(ROOT, "docs", "user-guide"))
    if name.endswith(".md")
)
LANGS = {"## English": "en_US", "## Tiếng Việt": "vi_VN"}
SEPARATOR = "‣"
GAP = "…"
BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
TAG = re.compile(r"<[^>]*>")


def quoted_labels(path):
    """(line, language, label) of every **bold** span of a guide; the language is
    that of the last ``## English`` / ``## Tiếng Việt`` heading above it (None
    before the first one: either language)."""
    with open(path, encoding="utf-8") as fp:
        text = fp.read()
    # code is not prose: blank it out, keeping the offsets (line numbers)
    text = CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    headings = [(m.start(), LANGS[m.group(0)]) for m in re.finditer(r"^## (English|Tiếng Việt)$", text, re.M)]
    found = []
    for match in BOLD.finditer(text):
        lang = None
        for start, heading_lang in headings:
            if start < match.start():
                lang = heading_lang
        label = " ".join(match.group(1).split())
        found.append((text.count("\n", 0, match.start()) + 1, lang, label))
    return found


def _texts(term):
    """A term, and the texts between its tags when it is HTML (an email
    template's body is one term: its button is one of its texts)."""
    texts = {term} | (set(TAG.split(term)) if "<" in term else set())
    return {" ".join(html.unescape(text).split()) for text in texts} - {""}


def _xml_names():
    """Record names, labels and menus of the SoOn add-ons' data and views."""
    names = set()
    for addon in ADDONS:
        for folder in ("data", "views", "report", "wizard"):
            path = os.path.join(ROOT, addon, folder)
            if not os.path.isdir(path):
                continue
            for name in sorted(os.listdir(path)):
                if name.endswith(".xml"):
                    tree = etree.parse(os.path.join(path, name))
                    found = tree.xpath("//record/field[@name='name']/text() | //@string | //menuitem/@name")
                    names |= {" ".join(text.split()) for text in found}
    return names - {""}


@common.at_install(False)
@common.post_install(True)
class TestUserGuideLabels(common.SavepointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        installed = cls.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
        english, translations, translated_sources = set(), set(), set()
        for module in installed:
            path = get_module_resource(module, "i18n", "vi.po")
            if not path:
                continue
            with open(path, "rb") as po:
                for row in PoFile(po):
                    # view terms keep their XML escapes ("Email &amp; Marketing")
                    source, value = _texts(row[3]), _texts(row[4] or "")
                    english |= source
                    if value:
                        translations |= value
                        translated_sources |= source
        # names that are not translatable (an email template's name) show as written
        english |= _xml_names()
        cls.terms = {
            "en_US": english,
            # a term no add-on translates shows in English in the Vietnamese UI
            "vi_VN": translations | (english - translated_sources),
        }
        cls.menus = {lang: cls._menu_tree(lang) for lang in LANGS.values()}

    @classmethod
    def _menu_tree(cls, lang):
        """{parent id or False: {name: [menu ids]}} of every menu, in ``lang``."""
        menus = (
            cls.env["ir.ui.menu"]
            .with_context(lang=lang, **{"ir.ui.menu.full_list": True})
            .search([])
            .read(["name", "parent_id", "action", "child_id"])
        )
        tree = {}
        for menu in menus:
            parent = menu["parent_id"][0] if menu["parent_id"] else False
            tree.setdefault(parent, {}).setdefault(menu["name"].strip(), []).append(menu["id"])
        return tree

    def _is_term(self, text, lang):
        """A term, or two terms side by side: Odoo cuts a view's text at inline
        tags ("I agree to the <a>terms &amp; conditions</a>" gives two terms)."""
        terms = self.terms[lang]
        if text in terms:
            return True
        words = text.split(" ")
        return any(" ".join(words[:cut]) in terms and " ".join(words[cut:]) in terms for cut in range(1, len(words)))

    def _label_errors(self, label, lang):
        langs = [lang] if lang else list(LANGS.values())
        for one in langs:
            parts = [part.strip() for part in label.split(GAP)]
            if all(self._is_term(part, one) for part in parts if part):
                return []
        return ["no such label: %r" % label]

    def _path_errors(self, label, lang):
        segments = [segment.strip() for segment in label.split(SEPARATOR)]
        langs = [lang] if lang else list(LANGS.values())
        errors = []
        for one in langs:
            errors = self._path_errors_in(segments, one)
            if not errors:
                return []
        return errors

    def _path_errors_in(self, segments, lang):
        tree = self.menus[lang]
        current = tree.get(False, {}).get(segments[0])
        if not current:
            # not a top-level menu: a chain of labels (Action ‣ …, My Account ‣ …)
            return [error for segment in segments for error in self._label_errors(segment, lang)]
        depth = 1
        while depth < len(segments):
            children = [child for menu in current for child in tree.get(menu, {}).get(segments[depth], [])]
            if not children:
                break
            current, depth = children, depth + 1
        if depth < len(segments) and any(tree.get(menu) for menu in current):
            below = sorted({name for menu in current for name in tree.get(menu, {})})
            return [
                "no menu %r under %r (its menus: %s)"
                % (segments[depth], (" %s " % SEPARATOR).join(segments[:depth]), ", ".join(below))
            ]
        return [error for segment in segments[depth:] for error in self._label_errors(segment, lang)]

    def _errors(self, label, lang):
        if SEPARATOR in label:
            return self._path_errors(label, lang)
        return self._label_errors(label, lang)

    def test_every_quoted_label_is_the_uis(self):
        problems = []
        count = 0
        for path in GUIDES:
            for line, lang, label in quoted_labels(path):
                count += 1
                for error in self._errors(label, lang):
                    problems.append("%s:%d (%s) %s" % (os.path.relpath(path, ROOT), line, lang or "any", error))
        self.assertGreater(count, 150, "the guides quote the UI")
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_both_languages_are_checked(self):
        langs = {lang for path in GUIDES for _line, lang, _label in quoted_labels(path)}
        self.assertEqual(langs - {None}, {"en_US", "vi_VN"})

    def test_a_made_up_label_is_refused(self):
        """The check can fail: labels and menus that do not exist, or that exist
        only in the other language, are reported."""
        self.assertTrue(self._errors("Send a Made-up Email", "en_US"))
        self.assertTrue(self._errors("Inventory ‣ Overview ‣ Delivery Orders", "en_US"))
        self.assertTrue(self._errors("Website ‣ Configuration ‣ Settings", "vi_VN"))
        self.assertTrue(self._errors("Tự động gửi email giỏ hàng bị bỏ quên", "vi_VN"))
        self.assertTrue(self._errors("Send before … hours", "en_US"))
        # and real ones pass
        self.assertEqual(self._errors("Inventory ‣ Dashboard", "en_US"), [])
        self.assertEqual(self._errors("Website ‣ Orders ‣ Unpaid Orders", "en_US"), [])
        self.assertEqual(self._errors("Send after … hours", "en_US"), [])
