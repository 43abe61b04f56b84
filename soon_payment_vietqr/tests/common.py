# -*- coding: utf-8 -*-
import io

from odoo.tests import common

from .. import vietqr

#: the shop's fictitious account of the tests
BANK_BIN, ACCOUNT, HOLDER = "970436", "0011001234567", "CONG TY SOON TEST"


def decode_qr(png):
    """The text of the one QR code in a PNG image (zxing-cpp, a real decoder)."""
    import zxingcpp  # noqa: PLC0415 (test tooling, requirements-test.txt)
    from PIL import Image  # noqa: PLC0415

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert len(found) == 1, "expected one QR code, found %d" % len(found)
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


class VietQrData:
    """Exactly the data the tests need: a VND pricelist, a product without
    taxes, the wire-transfer acquirer with a VietQR account, two customers."""

    @classmethod
    def _vietqr_setup(cls, env):
        cls.vnd = env.ref("base.VND")
        cls.vnd.active = True
        cls.usd = env.ref("base.USD")
        cls.pricelist_vnd = env["product.pricelist"].create({"name": "VietQR test VND", "currency_id": cls.vnd.id})
        cls.pricelist_usd = env["product.pricelist"].create({"name": "VietQR test USD", "currency_id": cls.usd.id})
        cls.product = env["product.product"].create(
            {
                "name": "VietQR Test Lamp",
                "type": "consu",
                "list_price": 125000,
                "taxes_id": [(6, 0, [])],
                "invoice_policy": "order",
            }
        )
        cls.bank = env.ref("soon_payment_vietqr.bank_vietcombank")
        cls.transfer = env.ref("payment.payment_acquirer_transfer")
        cls.transfer.write(
            {
                "website_published": True,
                "vietqr_bank_id": cls.bank.id,
                "vietqr_account_number": ACCOUNT,
                "vietqr_account_holder": HOLDER,
            }
        )
        cls.cod = env.ref("soon_ecommerce_orders.payment_acquirer_cash_on_delivery")
        cls.website_team = env.ref("sales_team.salesteam_website_sales")
        Partner = env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Tran Thi Binh", "email": "binh@example.com", "lang": "en_US", "country_id": env.ref("base.vn").id}
        )
        cls.stranger = Partner.create({"name": "Le Van Cuong", "email": "cuong@example.com"})

    @classmethod
    def _vietqr_order(cls, env, partner=None, pricelist=None, acquirer=None, checkout=True):
        """A web order of two lamps (250,000 VND) through the website's pay-later
        flow: a transaction with ``acquirer``, its transfer feedback (pending),
        Odoo's quotation email."""
        order = env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "pricelist_id": (pricelist or cls.pricelist_vnd).id,
                "team_id": cls.website_team.id,
                "website_order": True,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 2, "price_unit": 125000})],
            }
        )
        tx = env["payment.transaction"].create(
            {
                "acquirer_id": (acquirer or cls.transfer).id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "partner_country_id": order.partner_id.country_id.id or env.ref("base.vn").id,
                "reference": "%s-1" % order.name,
                "sale_order_id": order.id,
            }
        )
        order.payment_tx_id = tx
        if checkout:
            tx.form_feedback(
                {"reference": tx.reference, "amount": str(tx.amount), "currency": tx.currency_id.name}, "transfer"
            )
        return order

    def assertPayloadOf(self, payload, order, amount=250000):
        """``payload`` is the VietQR of ``order``: CRC valid, the shop's BIN and
        account, the amount in VND, the order's reference as the message."""
        fields = vietqr.parse_payload(payload)  # raises on a wrong CRC
        self.assertEqual(fields["00"], "01")
        self.assertEqual(fields["01"], "12")
        self.assertEqual(fields["38"]["00"], "A000000727")
        self.assertEqual(fields["38"]["01"], {"00": BANK_BIN, "01": ACCOUNT})
        self.assertEqual(fields["38"]["02"], "QRIBFTTA")
        self.assertEqual(fields["53"], "704")
        self.assertEqual(fields["54"], str(amount))
        self.assertEqual(fields["58"], "VN")
        self.assertEqual(fields["62"], {"08": order.vietqr_reference})
        self.assertTrue(vietqr.reference_is_valid(order.vietqr_reference))


# post-install, as every test of the project (see tests/test_odoo_runner.py)
@common.at_install(False)
@common.post_install(True)
class VietQrCase(VietQrData, common.SavepointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._vietqr_setup(cls.env)

    @classmethod
    def make_order(cls, **options):
        return cls._vietqr_order(cls.env, **options)
