"""Shared refund test data: paid website orders, users allowed or not to
refund. The add-ons that extend the refunds (a provider's, soon_returns)
build on it: ``_get_default_acquirer`` gives the acquirer orders are paid
with, ``_capture_payment`` how the payment is captured, and
``_setup_refund_base`` the company, products and customers."""

from odoo.tests import common

from soon_testing.common import make_confirmed_order, make_internal_user, make_portal_user


class RefundsDataMixin:
    """Builds the data of a test on ``self.env`` (plain or HTTP test cursor)."""

    def _setup_refund_base(self):
        """The company, two products and two customers with portal users."""
        env = self.env
        self.company = env.ref("base.main_company")
        Product = env["product.product"]
        self.product_a = Product.create({"name": "Test Lamp", "type": "product", "list_price": 50.0})
        self.product_b = Product.create({"name": "Test Chair", "type": "product", "list_price": 80.0})
        self.customer = make_portal_user(self.env, "Refund Customer", "ref_customer", lang="en_US")
        self.stranger = make_portal_user(self.env, "Refund Stranger", "ref_stranger", lang="en_US")

    def _setup_refund_data(self):
        self._setup_refund_base()
        env = self.env
        self.bank_journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.tax = env["account.tax"].create(
            {"name": "VAT 10% (refund tests)", "amount": 10.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        (self.product_a | self.product_b).write({"taxes_id": [(6, 0, self.tax.ids)], "invoice_policy": "order"})
        self.manager = make_internal_user(
            self.env, "Refund Manager", "ref_manager", "sales_team.group_sale_manager", lang="en_US"
        )
        self.accountant = make_internal_user(
            self.env, "Refund Accountant", "ref_accountant", "account.group_account_manager", lang="en_US"
        )
        self.salesman = make_internal_user(
            self.env, "Refund Salesman", "ref_salesman", "sales_team.group_sale_salesman_all_leads", lang="en_US"
        )

    def _get_default_acquirer(self):
        """The acquirer orders are paid with unless a test says otherwise: the
        wire transfer here (no refund through it: manual refunds); a provider's
        add-on gives its own."""
        transfer = self.env.ref("payment.payment_acquirer_transfer")
        if not transfer.journal_id:
            transfer.journal_id = self.bank_journal
        return transfer

    def _capture_payment(self, tx, order):
        """The payment is captured: written as the provider's feedback would."""
        tx.write({"state": "done", "acquirer_reference": "ch_test_%s" % tx.id})
        order.action_confirm()

    def _confirm_and_deliver(self, order):
        for picking in order.picking_ids:
            for move in picking.move_lines:
                move.quantity_done = move.product_uom_qty
            picking.action_done()

    def _paid_order(self, partner, lines, acquirer=None, pricelist=None, deliver=False):
        """A website order paid through ``acquirer`` (``_get_default_acquirer``).

        ``lines``: [(product, quantity, unit price)].
        """
        acquirer = acquirer or self._get_default_acquirer()
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
        tx = self.env["payment.transaction"]._check_or_create_sale_tx(order, acquirer)
        self._capture_payment(tx, order)
        self.assertEqual((order.state, tx.state), ("sale", "done"))
        if deliver:
            self._confirm_and_deliver(order)
        return order

    def _confirmed_order(self, partner, products):
        """A confirmed, unpaid order: ``products`` = [(product, quantity)]."""
        return make_confirmed_order(self.env, partner, products)

    def _payment(self, order):
        return order._get_refundable_transactions()[:1]

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


# post-install under Odoo's runner, like the other add-ons' tests: the whole registry, as under pytest-odoo
@common.at_install(False)
@common.post_install(True)
class RefundsCase(RefundsDataMixin, common.SavepointCase):
    def setUp(self):
        super().setUp()
        self._setup_refund_data()
