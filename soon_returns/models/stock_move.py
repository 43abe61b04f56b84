from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    return_request_line_id = fields.Many2one("return.request.line", index=True, copy=False, readonly=True)

    @api.multi
    def _action_done(self):
        done = super()._action_done()
        # the warehouse worker who received the goods may not see the return
        # itself (a salesperson limited to their own orders who also works in
        # the warehouse): its "received" step follows the validated moves
        (self | done).sudo().mapped("return_request_line_id.request_id")._on_return_moves_done()
        return done
