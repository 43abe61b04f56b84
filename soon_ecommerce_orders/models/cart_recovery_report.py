# -*- coding: utf-8 -*-
"""Recovery analytics: one row per reminder sent.

A cart is *recovered* when it is confirmed after a reminder; the recovery is
credited to the last reminder sent before the confirmation (one cart is
recovered once, by one reminder).  Every row counts one reminder, so in any
grouping (month, reminder number, salesperson...):

* Reminders Sent = number of rows,
* Carts Recovered = rows whose reminder was followed by the confirmation,
* Recovered Revenue = untaxed amount of those carts, in the company's currency
  (converted with the rates of the order date when the pricelist has another
  currency),
* Recovery Rate = Carts Recovered / Reminders Sent (an average of 100/0 values).
"""

from datetime import datetime, timedelta

from odoo import api, fields, models, tools


class CartRecoveryReport(models.Model):
    _name = "sale.cart.recovery.report"
    _description = "Abandoned Cart Recovery Analysis"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc"

    date = fields.Datetime("Reminder Date", readonly=True)
    step = fields.Integer("Reminder Number", readonly=True, group_operator="max")
    manual = fields.Boolean("Sent Manually", readonly=True)
    order_id = fields.Many2one("sale.order", "Cart", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    confirmation_date = fields.Datetime("Confirmed On", readonly=True)
    reminder_count = fields.Integer("Reminders Sent", readonly=True)
    recovered_count = fields.Integer("Carts Recovered", readonly=True)
    recovered_amount = fields.Float(
        "Recovered Revenue", readonly=True, help="Untaxed amount of the recovered carts, in the company's currency."
    )
    recovery_rate = fields.Float(
        "Recovery Rate (%)", readonly=True, group_operator="avg", help="Carts recovered per 100 reminders sent."
    )

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # constant SQL: the only substitution is Odoo's currency rate query
        query = """
            CREATE OR REPLACE VIEW sale_cart_recovery_report AS (
                WITH currency_rate AS (%s),
                reminder AS (
                    SELECT r.*, lead(r.date) OVER (PARTITION BY r.order_id ORDER BY r.date, r.id) AS next_date
                      FROM sale_cart_recovery_reminder r
                )
                SELECT r.id, r.date, r.step, r.manual, r.order_id, r.partner_id,
                       so.user_id, so.team_id, so.company_id, so.confirmation_date,
                       1 AS reminder_count,
                       CASE WHEN rec.recovered THEN 1 ELSE 0 END AS recovered_count,
                       CASE WHEN NOT rec.recovered THEN 0
                            WHEN pl.currency_id = company.currency_id THEN so.amount_untaxed
                            ELSE so.amount_untaxed * COALESCE(company_rate.rate, 1.0) / COALESCE(cr.rate, 1.0)
                       END AS recovered_amount,
                       CASE WHEN rec.recovered THEN 100.0 ELSE 0 END AS recovery_rate
                  FROM reminder r
                  JOIN sale_order so ON so.id = r.order_id
                  JOIN res_company company ON company.id = so.company_id
                  LEFT JOIN product_pricelist pl ON pl.id = so.pricelist_id
                  LEFT JOIN currency_rate cr ON cr.currency_id = pl.currency_id
                        AND cr.company_id = so.company_id
                        AND cr.date_start <= COALESCE(so.date_order, now())
                        AND (cr.date_end IS NULL OR cr.date_end > COALESCE(so.date_order, now()))
                  LEFT JOIN currency_rate company_rate ON company_rate.currency_id = company.currency_id
                        AND company_rate.company_id = so.company_id
                        AND company_rate.date_start <= COALESCE(so.date_order, now())
                        AND (company_rate.date_end IS NULL OR company_rate.date_end > COALESCE(so.date_order, now()))
                 CROSS JOIN LATERAL (
                       SELECT so.state IN ('sale', 'done') AND so.confirmation_date >= r.date
                              AND (r.next_date IS NULL OR r.next_date > so.confirmation_date) AS recovered
                 ) rec
            )""" % self.env["res.currency"]._select_companies_rates()
        self.env.cr.execute(query)  # pylint: disable=sql-injection

    @api.model
    def _dashboard_figures(self, days=30):
        """Figures of the reminders sent in the last ``days`` days, for the
        Website dashboard (respects the user's access rules)."""
        since = fields.Datetime.to_string(datetime.utcnow() - timedelta(days=days))
        groups = self.read_group([("date", ">=", since)], ["reminder_count", "recovered_count", "recovered_amount"], [])
        totals = groups[0] if groups else {}
        reminders = totals.get("reminder_count") or 0
        recovered = totals.get("recovered_count") or 0
        return {
            "days": days,
            "reminders": reminders,
            "recovered": recovered,
            "revenue": totals.get("recovered_amount") or 0.0,
            "rate": round(100.0 * recovered / reminders, 1) if reminders else 0.0,
        }
