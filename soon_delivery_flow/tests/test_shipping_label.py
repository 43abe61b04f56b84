# -*- coding: utf-8 -*-
import base64
import io
import re
import shutil
import subprocess
import tempfile
from unittest.mock import patch

import odoo
from lxml import etree
from lxml import html as lxml_html
from odoo.exceptions import UserError
from PyPDF2 import PdfFileReader
from reportlab.graphics.barcode import createBarcodeDrawing

from .common import DeliveryFlowCase


class TestShippingLabel(DeliveryFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls.env.ref("soon_delivery_flow.action_report_shipping_label")
        cls.package_report = cls.env.ref("soon_delivery_flow.action_report_shipping_label_package")

    def _real_pdf(self):
        """Odoo 11 returns HTML instead of a PDF while tests run; a report
        directory makes it call wkhtmltopdf for real, as in production."""
        return patch.dict(odoo.tools.config.options, {"test_report_directory": tempfile.gettempdir()})

    def _pdf_text(self, pdf):
        """Text of each page, through poppler's pdftotext (installed by
        scripts/setup), and the same without whitespace for comparisons."""
        if not shutil.which("pdftotext"):
            self.fail("pdftotext is missing: run ./scripts/setup (Debian package poppler-utils)")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as document:
            document.write(pdf)
            document.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", document.name, "-"],
                check=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            ).stdout.decode("utf-8")
        pages = text.split("\f")
        if pages and not pages[-1].strip():
            pages.pop()
        self.assertEqual(len(pages), PdfFileReader(io.BytesIO(pdf)).getNumPages())
        return pages, [re.sub(r"\s+", "", page) for page in pages]

    def _html_labels(self, pickings, report=None):
        html = (report or self.report).render_qweb_html(pickings.ids)[0]
        return lxml_html.fromstring(html).xpath("//div[hasclass('soon_shipping_label')]")

    def _shipped(self, lines, partner=None, **kwargs):
        order = self._create_order(lines, partner=partner, **kwargs)
        self._process(orders=order)
        return order, self._delivery(order)

    # ------------------------------------------------------------------
    # the PDF through wkhtmltopdf
    # ------------------------------------------------------------------
    def test_process_prints_one_pdf_with_the_address(self):
        partner = self._create_partner(
            name="Tran Thi Label",
            street="77 Ly Thuong Kiet",
            street2="Phuong 7",
            city="Hue",
            zip="530000",
            phone="0912345678",
        )
        order = self._create_order([(self.tea_set, 2)], partner=partner, carrier=self.carrier)
        other = self._create_order([(self.tray, 1)])

        with self._real_pdf():
            wizard = self._process(orders=order | other, print_labels=True)

        self.assertFalse(wizard.label_error)
        self.assertTrue(wizard.label_filename.endswith(".pdf"))
        pdf = base64.b64decode(wizard.label_pdf)
        self.assertTrue(pdf.startswith(b"%PDF"), "wkhtmltopdf produced a PDF")
        pages, compact = self._pdf_text(pdf)
        self.assertEqual(len(pages), 2, "one label per package, all deliveries in one PDF")
        label = next(page for page in compact if "TranThiLabel" in page)
        delivery = self._delivery(order)
        for text in (
            "Tran Thi Label",
            "77 Ly Thuong Kiet",
            "Phuong 7",
            "530000 Hue",
            "Vietnam",
            "0912 345 678",
            order.name,
            delivery.name,
            "1/1",
            "2.50",
            "Test Courier",
            "Kho Test Da Nang",
            "12 Nguyen Van Linh",
        ):
            self.assertIn(re.sub(r"\s+", "", text), label, text)
        # 100 x 150 mm pages
        box = PdfFileReader(io.BytesIO(pdf)).getPage(0).mediaBox
        width_mm = float(box.getWidth()) * 25.4 / 72
        height_mm = float(box.getHeight()) * 25.4 / 72
        self.assertAlmostEqual(width_mm, 100, delta=1)
        self.assertAlmostEqual(height_mm, 150, delta=1)

    def test_print_from_the_delivery_and_from_the_package(self):
        order, delivery = self._shipped([(self.tea_set, 1)])
        package = delivery.move_line_ids.mapped("result_package_id")

        with self._real_pdf():
            pdf, fmt = self.report.render_qweb_pdf(delivery.ids)
            package_pdf, _fmt = self.package_report.render_qweb_pdf(package.ids)

        self.assertEqual(fmt, "pdf")
        for document in (pdf, package_pdf):
            pages, compact = self._pdf_text(document)
            self.assertEqual(len(pages), 1)
            self.assertIn("25HangBac", compact[0])
            self.assertIn(re.sub(r"\s+", "", delivery.name), compact[0])
        self.assertEqual(self.report.paperformat_id.page_width, 100)
        self.assertEqual(self.report.paperformat_id.page_height, 150)

    # ------------------------------------------------------------------
    # content of a label
    # ------------------------------------------------------------------
    def test_one_label_per_package_numbered(self):
        order = self._create_order([(self.tea_set, 2), (self.tray, 1)], warehouse=self.wh1)
        delivery = self._delivery(order)
        # staff packed by hand with Odoo's buttons: two boxes
        self._set_done(delivery, {self.tea_set: 2})
        delivery.put_in_pack()
        self._set_done(delivery, {self.tray: 1})
        delivery.put_in_pack()
        self._validate_standard(delivery)

        labels = self._html_labels(delivery)

        self.assertEqual(len(labels), 2)
        counts = [label.xpath(".//span[hasclass('sl_package_count')]")[0].text_content() for label in labels]
        self.assertEqual(counts, ["1/2", "2/2"])
        packages = delivery.move_line_ids.mapped("result_package_id").sorted("id")
        self.assertIn(packages[0].name, labels[0].text_content())
        self.assertIn(packages[1].name, labels[1].text_content())
        self.assertIn("2.50", labels[0].text_content())
        self.assertIn("0.50", labels[1].text_content())

    def test_delivery_without_package_gets_one_label(self):
        order = self._create_order([(self.tea_set, 1)], warehouse=self.wh1)
        delivery = self._delivery(order)
        self._validate_standard(delivery)

        labels = self._html_labels(delivery)

        self.assertEqual(len(labels), 1)
        self.assertIn("1/1", labels[0].text_content())

    def test_barcodes_of_delivery_and_tracking_reference(self):
        order, delivery = self._shipped([(self.tea_set, 1)], carrier=self.carrier)
        delivery.carrier_tracking_ref = "TRK-2024-0001"

        label = self._html_labels(delivery)[0]

        images = label.xpath(".//img")
        self.assertEqual(len(images), 2)
        for img, value in zip(images, (delivery.name, "TRK-2024-0001")):
            src = img.get("src")
            self.assertTrue(src.startswith("data:image/svg+xml;base64,"))
            svg = etree.fromstring(base64.b64decode(src.split(",", 1)[1]))
            self.assertTrue(svg.tag.endswith("svg"))
            bars = svg.xpath("//*[local-name()='rect']")
            self.assertGreater(len(bars), 20, "a real barcode, not an empty picture")
            # the same bars as reportlab's Code128 for that value
            expected = createBarcodeDrawing(
                "Code128", value=value, width=600, height=120, humanReadable=False
            ).asString("svg")
            expected = expected.encode() if isinstance(expected, str) else expected
            self.assertEqual(base64.b64decode(src.split(",", 1)[1]), expected)
        text = label.text_content()
        self.assertIn("TRK-2024-0001", text)
        self.assertIn(delivery.name, text)
        self.assertIn("Test Courier", text)

    def test_many_deliveries_one_document(self):
        order1, delivery1 = self._shipped([(self.tea_set, 1)])
        order2, delivery2 = self._shipped([(self.tray, 1)])

        labels = self._html_labels(delivery1 | delivery2)

        self.assertEqual(len(labels), 2)
        self.assertIn(delivery1.name, labels[0].text_content())
        self.assertIn(delivery2.name, labels[1].text_content())

    def test_labels_only_for_deliveries_to_customers(self):
        order = self._create_order([(self.tea_set, 1)], warehouse=self.wh3)
        pick = order.picking_ids.filtered(lambda p: p.picking_type_id == self.wh3.pick_type_id)
        with self.assertRaises(UserError):
            self.report.render_qweb_html(pick.ids)

    # ------------------------------------------------------------------
    # phone numbers
    # ------------------------------------------------------------------
    def test_phone_formatted_for_the_recipient_country(self):
        local = self._create_partner(name="Local", phone="0912345678")
        abroad = self._create_partner(
            name="Abroad", phone="01 42 68 53 00", country_id=self.france.id, city="Paris", street="1 rue de Rivoli"
        )
        order_local, delivery_local = self._shipped([(self.tea_set, 1)], partner=local)
        order_abroad, delivery_abroad = self._shipped([(self.tea_set, 1)], partner=abroad)

        self.assertEqual(delivery_local.label_phone, "0912 345 678")
        self.assertEqual(
            delivery_abroad.label_phone,
            "+33 1 42 68 53 00",
            "a parcel leaving the country gets the international format",
        )
        self.assertFalse(delivery_local.label_phone_invalid)
        self.assertFalse(delivery_abroad.label_phone_invalid)
        self.assertIn("0912 345 678", self._html_labels(delivery_local)[0].text_content())

    def test_bad_phone_printed_as_typed_and_flagged(self):
        partner = self._create_partner(name="Bad Phone", phone="call me after 6pm")
        order = self._create_order([(self.tea_set, 1)], partner=partner)
        delivery = self._delivery(order)

        self.assertTrue(delivery.label_phone_invalid)
        self.assertIn(delivery, self.env["stock.picking"].search([("label_phone_invalid", "=", True)]))
        wizard = self._process(orders=order)
        self.assertEqual(wizard.line_ids.result, "done", "a bad phone does not stop the parcel")
        label = self._html_labels(delivery)[0]
        self.assertEqual(label.xpath(".//strong[hasclass('sl_phone')]")[0].text_content(), "call me after 6pm")

        # fixing the number on the customer clears the flag
        partner.phone = "+84 912 345 678"
        self.assertFalse(delivery.label_phone_invalid)
        self.assertEqual(delivery.label_phone, "0912 345 678")

    def test_too_short_number_is_flagged(self):
        partner = self._create_partner(name="Short", phone="12345")
        order = self._create_order([(self.tea_set, 1)], partner=partner)
        self.assertTrue(self._delivery(order).label_phone_invalid)
        self.assertEqual(self._delivery(order).label_phone, "12345")
