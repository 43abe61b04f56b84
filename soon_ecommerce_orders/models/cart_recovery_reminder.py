# -*- coding: utf-8 -*-
from odoo import _, api, fields, models


class CartRecoveryReminder(models.Model):
    """One abandoned-cart reminder sent to a customer (automatic or manual)."""

    _name = "sale.cart.recovery.reminder"
    _description = "Abandoned Cart Reminder"
    _order = "date desc, id desc"

    name = fields.Char("Reminder", compute="_compute_name")
    order_id = fields.Many2one("sale.order", "Cart", required=True, readonly=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True, index=True, ondelete="set null")
    email = fields.Char("Sent To", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    user_id = fields.Many2one(related="order_id.user_id", readonly=True, string="Salesperson")
    order_state = fields.Selection(related="order_id.state", readonly=True, string="Order Status")
    step = fields.Integer(
        "Reminder Number",
        required=True,
        readonly=True,
        group_operator="max",
        help="1 for the first reminder of the cart, 2 for the second...",
    )
    date = fields.Datetime("Sent On", required=True, readonly=True, index=True, default=fields.Datetime.now)
    manual = fields.Boolean(
        "Sent Manually", readonly=True, help='Sent by a salesperson from the order ("Send a Recovery Email").'
    )
    template_id = fields.Many2one("mail.template", "Email Template", readonly=True, ondelete="set null")
    mail_id = fields.Many2one("mail.mail", "Email", readonly=True, ondelete="set null")
    mail_message_id = fields.Many2one("mail.message", "Message", readonly=True, ondelete="set null")
    mail_state = fields.Selection(related="mail_id.state", readonly=True, string="Delivery Status")
    resumed_date = fields.Datetime(
        "Cart Resumed On", readonly=True, help='When the customer opened the "Resume your order" link of this reminder.'
    )

    _sql_constraints = [
        # the database itself refuses a second email for the same cart and step
        ("order_step_unique", "UNIQUE (order_id, step)", "A cart gets each reminder only once."),
    ]

    @api.depends("order_id.name", "step")
    def _compute_name(self):
        for reminder in self:
            reminder.name = _("%(order)s: reminder %(step)d") % {"order": reminder.order_id.name, "step": reminder.step}
