"""Shared test data for soon_returns: products with return policies, two
customers with portal users, delivered website orders, images."""

import io
from datetime import timedelta

from odoo import fields
from odoo.tests import common
from PIL import Image


def png_bytes(size=(40, 30), color=(10, 120, 200), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def days_ago(days):
    return fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))


class ReturnsDataMixin:
    """Builds the data of a test on ``self.env`` (plain or HTTP test cursor)."""

    def _setup_returns_data(self):
        env = self.env
        self.company = env.ref("base.main_company")
        self.company.write({"return_window_days": 30, "return_photo_max_mb": 1.0, "return_sla_submitted_hours": 48.0})
        self.reason_damaged = env.ref("soon_returns.return_reason_damaged")
        self.reason_changed = env.ref("soon_returns.return_reason_changed_mind")
        self.reason_other = env.ref("soon_returns.return_reason_other")
        self.reason_wrong = env.ref("soon_returns.return_reason_wrong_item")
        self.categ = env["product.category"].create({"name": "Returns test category"})
        Product = env["product.product"]
        self.product_a = Product.create(
            {"name": "Test Lamp", "type": "product", "categ_id": self.categ.id, "list_price": 50.0}
        )
        self.product_b = Product.create(
            {"name": "Test Chair", "type": "product", "categ_id": self.categ.id, "list_price": 80.0}
        )
        self.product_final = Product.create(
            {"name": "Test Earrings", "type": "product", "categ_id": self.categ.id, "return_policy": "final_sale"}
        )
        self.product_consu = Product.create({"name": "Test Napkins", "type": "consu", "categ_id": self.categ.id})
        self.customer = self._make_portal_user("Returns Customer", "ret_customer")
        self.stranger = self._make_portal_user("Returns Stranger", "ret_stranger")

    def _make_user(self, name, login, *groups):
        """A user whose password is its login, in the given groups (xml ids)."""
        return (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": name,
                    "login": login,
                    "password": login,
                    "email": "%s@example.com" % login,
                    "lang": "en_US",
                    "groups_id": [(6, 0, [self.env.ref(group).id for group in groups])],
                }
            )
        )

    def _make_portal_user(self, name, login):
        return self._make_user(name, login, "base.group_portal")

    def _delivered_order(self, partner, products, delivered_days_ago=1):
        """A confirmed website order whose delivery was validated ``days`` ago."""
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "team_id": self.env.ref("sales_team.salesteam_website_sales").id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": qty, "price_unit": product.list_price or 10.0})
                    for product, qty in products
                ],
            }
        )
        order.action_confirm()
        when = days_ago(delivered_days_ago)
        for picking in order.picking_ids:
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()
            picking.write({"date_done": when})
            picking.move_lines.write({"date": when})
        return order

    def _line(self, order, product):
        return order.order_line.filtered(lambda sol: sol.product_id == product)

    def _form(self, order, lines, method="dropoff"):
        """Portal form values: ``lines`` = [(product, qty, reason, comment)]."""
        form = {"method": method}
        for product, qty, reason, comment in lines:
            line = self._line(order, product)
            form["qty-%d" % line.id] = str(qty)
            form["reason-%d" % line.id] = str(reason.id) if reason else ""
            form["comment-%d" % line.id] = comment or ""
        return form

    def _validate_return_pickings(self, request):
        for picking in request.picking_ids:
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()


# post-install under Odoo's runner, like the other add-ons' tests: the whole registry, as under pytest-odoo
@common.at_install(False)
@common.post_install(True)
class ReturnsCase(ReturnsDataMixin, common.SavepointCase):
    def setUp(self):
        super().setUp()
        self._setup_returns_data()
        self.order = self._delivered_order(self.customer.partner_id, [(self.product_a, 3), (self.product_b, 1)])
        self.line_a = self._line(self.order, self.product_a)
        self.line_b = self._line(self.order, self.product_b)
        self.Request = self.env["return.request"]


class RefundsDataMixin(ReturnsDataMixin):
    """Paid website orders, the demo acquirer and users allowed or not to refund."""

    def _setup_refund_data(self):
        self._setup_returns_data()
        env = self.env
        self.bank_journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.demo = env["payment.acquirer"].create(
            {
                "name": "Demo bank (tests)",
                "provider": "soon_demo",
                "company_id": self.company.id,
                "journal_id": self.bank_journal.id,
                "environment": "test",
            }
        )
        # no restocking fee unless a test sets one (the demo data sets one on "changed my mind")
        (self.reason_damaged | self.reason_changed | self.reason_other | self.reason_wrong).write(
            {"restocking_fee_policy": "category", "restocking_fee_value": 0.0}
        )
        self.tax = env["account.tax"].create(
            {"name": "VAT 10% (refund tests)", "amount": 10.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        (self.product_a | self.product_b).write({"taxes_id": [(6, 0, self.tax.ids)], "invoice_policy": "order"})
        self.manager = self._make_internal_user("Refund Manager", "ref_manager", "sales_team.group_sale_manager")
        self.accountant = self._make_internal_user(
            "Refund Accountant", "ref_accountant", "account.group_account_manager"
        )
        self.salesman = self._make_internal_user(
            "Refund Salesman", "ref_salesman", "sales_team.group_sale_salesman_all_leads"
        )

    def _make_internal_user(self, name, login, group):
        return self._make_user(name, login, group, "base.group_user")

    def _paid_order(self, partner, lines, acquirer=None, pricelist=None, deliver=False):
        """A website order paid through ``acquirer`` (the demo one by default).

        ``lines``: [(product, quantity, unit price)]. The payment goes through
        the demo acquirer's feedback like the payment page's (confirms the
        order); other acquirers get a transaction written as captured.
        """
        acquirer = acquirer or self.demo
        values = {
            "partner_id": partner.id,
            "team_id": self.env.ref("sales_team.salesteam_website_sales").id,
            "website_order": True,
            "order_line": [
                (0, 0, {"product_id": product.id, "product_uom_qty": qty, "price_unit": price})
                for product, qty, price in lines
            ],
        }
        if pricelist:
            values["pricelist_id"] = pricelist.id
        order = self.env["sale.order"].create(values)
        Tx = self.env["payment.transaction"]
        tx = Tx._check_or_create_sale_tx(order, acquirer)
        if acquirer.provider == "soon_demo":
            Tx.form_feedback(tx._soon_demo_form_data(), "soon_demo")
        else:
            tx.write({"state": "done", "acquirer_reference": "ch_test_%s" % tx.id})
            order.action_confirm()
        self.assertEqual((order.state, tx.state), ("sale", "done"))
        if deliver:
            for picking in order.picking_ids:
                for move in picking.move_lines:
                    move.quantity_done = move.product_uom_qty
                picking.action_done()
        return order

    def _payment(self, order):
        return order._get_refundable_transactions()[:1]

    def _received_return(self, order, lines):
        """A return of ``lines`` [(product, qty, reason)] approved and received."""
        request = self.env["return.request"]._portal_submit(
            order, self._form(order, [(product, qty, reason, "comment") for product, qty, reason in lines])
        )
        request._approve()
        self._validate_return_pickings(request)
        self.assertEqual(request.state, "received")
        return request

    def _credit_notes(self, partner):
        return self.env["account.invoice"].search(
            [("type", "=", "out_refund"), ("partner_id", "child_of", partner.commercial_partner_id.id)]
        )

    def _wizard(self, record, user=None):
        """The refund wizard as the "Refund" button of ``record`` opens it."""
        record = record.sudo(user) if user else record
        action = record.action_refund()
        Wizard = self.env[action["res_model"]]
        if user:
            Wizard = Wizard.sudo(user)
        return Wizard.with_context(**action["context"]).create({})


@common.at_install(False)
@common.post_install(True)
class RefundsCase(RefundsDataMixin, common.SavepointCase):
    def setUp(self):
        super().setUp()
        self._setup_refund_data()
