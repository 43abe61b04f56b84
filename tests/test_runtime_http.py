"""The runtime fixes seen from HTTP: back office templates, compiled CSS, Chromium tours."""
import re

from odoo.tests import common

from soon_runtime import chromium


@common.at_install(False)
@common.post_install(True)
class TestRuntimeHttp(common.HttpCase):

    def test_webclient_templates(self):
        """concat_xml (Element.getchildren) fix: the back office gets its templates."""
        self.authenticate("admin", "admin")
        response = self.url_open("/web/webclient/qweb?mods=web")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b't-name="ActionManager"', response.content)

    def test_frontend_css_is_compiled(self):
        """lessc runs (NODE_PATH fix): the shop's stylesheet holds compiled rules."""
        page = self.url_open("/shop").text
        links = re.findall(r'href="(/web/content/[^"]+assets_frontend[^"]*\.css)"', page)
        self.assertTrue(links, "no frontend stylesheet on /shop")
        css = "".join(self.url_open(link).text for link in links)
        self.assertNotIn("Could not execute command", css)
        self.assertRegex(css, r"\.btn-primary\s*\{")
        self.assertNotIn("@import", css.split("*/", 1)[-1][:2000])

    def test_phantom_js_runs_in_chromium(self):
        """HttpCase.phantom_js drives Chromium with PhantomJS's ok/error protocol."""
        self.assertTrue(chromium.available())
        self.phantom_js("/web/login", "console.log('ok')", "document.readyState === 'complete'")
        with self.assertRaises(AssertionError):
            self.phantom_js("/web/login", "console.log('error', 'expected failure')", "true", timeout=20)
        with self.assertRaises(AssertionError):
            self.phantom_js("/web/login", "setTimeout(function () { null.boom(); }, 0)", "true", timeout=20)
