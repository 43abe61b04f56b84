# -*- coding: utf-8 -*-
from odoo import api, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.multi
    def generate_email(self, res_ids, fields=None):
        """Odoo 11 groups the records by template *record* (the language in its
        context is ignored), so a batch is rendered in the language of its first
        record. Render one language at a time instead, with the cache cleared in
        between (names read in the previous language stay cached otherwise)."""
        if not self.lang or not isinstance(res_ids, (list, tuple)) or len(res_ids) < 2:
            return super().generate_email(res_ids, fields=fields)
        self.ensure_one()
        ids_by_lang = {}
        for res_id, template in self.get_email_template(res_ids).items():
            ids_by_lang.setdefault(template._context.get("lang"), []).append(res_id)
        if len(ids_by_lang) < 2:
            return super().generate_email(res_ids, fields=fields)
        results = {}
        for lang, ids in ids_by_lang.items():
            self.invalidate_cache()
            results.update(super(MailTemplate, self.with_context(lang=lang)).generate_email(ids, fields=fields))
        return results
