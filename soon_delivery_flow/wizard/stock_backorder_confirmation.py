# -*- coding: utf-8 -*-
from odoo import models


class StockBackorderConfirmation(models.TransientModel):
    _inherit = "stock.backorder.confirmation"

    def process(self):
        res = super(StockBackorderConfirmation, self.with_context(soon_defer_shipped_email=True)).process()
        self.pick_ids._schedule_shipped_email()
        return res

    def process_cancel_backorder(self):
        # the backorder is cancelled after the transfer is done: send the
        # shipped email afterwards, so it does not announce goods that will
        # never come
        res = super(
            StockBackorderConfirmation, self.with_context(soon_defer_shipped_email=True)
        ).process_cancel_backorder()
        self.pick_ids._schedule_shipped_email()
        return res
