# -*- coding: utf-8 -*-
"""Which orders get a VietQR code, and what it holds (through the ORM)."""

from odoo.exceptions import ValidationError

from .. import vietqr
from .common import VietQrCase


class TestVietQrOrders(VietQrCase):
    def test_transfer_order_in_vnd_has_the_shops_code(self):
        order = self.make_order()
        self.assertEqual((order.state, order.payment_status), ("sent", "pending"))
        values = order._vietqr_display_values()
        self.assertEqual(values["reference"], vietqr.make_reference(order.name))
        self.assertEqual(
            (values["bank"], values["account"], values["holder"]), ("Vietcombank", "0011001234567", "CONG TY SOON TEST")
        )
        self.assertEqual(values["amount"], 250000)
        self.assertPayloadOf(values["payload"], order)
        self.assertIn("/shop/vietqr/%d/qr.png?access_token=%s" % (order.id, order.access_token), values["image"])

    def test_reference_follows_the_order_name(self):
        order = self.make_order(checkout=False)
        order.name = "SO/2026/00042"
        self.assertEqual(order.vietqr_reference, vietqr.make_reference("SO/2026/00042"))
        self.assertEqual(self.env["sale.order"].search([("vietqr_reference", "=", order.vietqr_reference)]), order)

    def test_no_code_in_another_currency(self):
        order = self.make_order(pricelist=self.pricelist_usd)
        self.assertEqual(order.currency_id, self.usd)
        self.assertEqual(order._vietqr_display_values(), {})

    def test_no_code_without_an_account(self):
        order = self.make_order()
        self.transfer.vietqr_account_number = False
        self.assertEqual(order._vietqr_display_values(), {})

    def test_no_code_for_other_pay_later_methods(self):
        # cash on delivery is a 'transfer' acquirer too, without a VietQR account
        order = self.make_order(acquirer=self.cod)
        self.assertEqual(order.payment_status, "pending")
        self.assertEqual(order._vietqr_display_values(), {})

    def test_no_code_once_paid_or_cancelled(self):
        paid, cancelled = self.make_order(), self.make_order()
        self.assertTrue(paid._vietqr_display_values() and cancelled._vietqr_display_values())
        paid.payment_tx_id.state = "done"
        cancelled.action_cancel()
        self.assertEqual(paid._vietqr_display_values(), {})
        self.assertEqual(cancelled._vietqr_display_values(), {})

    def test_confirmed_but_unpaid_order_keeps_its_code(self):
        order = self.make_order()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order._vietqr_display_values())

    def test_fractional_amount_has_no_code(self):
        order = self.make_order()
        self.assertEqual(order._vietqr_values(amount=1000.5), {})
        self.assertEqual(order._vietqr_values(amount=0), {})

    def test_banks_are_shipped_with_their_bin(self):
        banks = self.env["res.bank"].search([("napas_bin", "!=", False)])
        self.assertGreaterEqual(len(banks), 10)
        self.assertTrue(all(len(bank.napas_bin) == 6 and bank.napas_bin.isdigit() for bank in banks))
        self.assertEqual(self.env.ref("soon_payment_vietqr.bank_vietcombank").napas_bin, "970436")
        self.assertEqual(self.env.ref("soon_payment_vietqr.bank_bidv").napas_bin, "970418")

    def test_settings_are_checked(self):
        with self.assertRaises(ValidationError):
            self.bank.napas_bin = "97043A"
        with self.assertRaises(ValidationError):
            self.transfer.vietqr_account_number = "0011-001234567"
        with self.assertRaises(ValidationError):
            self.env.ref("payment.payment_acquirer_stripe").write(
                {"vietqr_bank_id": self.bank.id, "vietqr_account_number": "123"}
            )
