"""Languages a test needs, loaded when the database lacks them.

The test databases of ``./scripts/test`` and ``scripts/shop`` are built with
``--load-language=en_US,vi_VN``; Odoo's own runner (``odoo -i <addon>
--test-enable``, as Odoo's and OCA's CI run it) installs English only.  A
Vietnamese test then loads Vietnamese itself instead of skipping: inside the
test's transaction, so the database is left as it was.
"""


def ensure_language(env, code="vi_VN"):
    """Activate ``code`` and load the translations of every installed module,
    unless the language is already active; returns the ``res.lang`` record."""
    lang = env["res.lang"].with_context(active_test=False).search([("code", "=", code)])
    if lang.active:
        return lang
    if lang:  # installed once, deactivated since
        lang.sudo().write({"active": True})
    modules = env["ir.module.module"].sudo().search([("state", "=", "installed")])
    # what Settings > Translations > Load a Translation does (base.language.install)
    modules._update_translations(code)
    lang = env["res.lang"].search([("code", "=", code)])
    assert lang, "language %s could not be loaded" % code
    return lang
