# -*- coding: utf-8 -*-
"""The EMV payload builder and the transfer reference, against published vectors."""

from odoo.tests import common

from .. import vietqr

#: /work/shared reference, section C: dynamic, BIN 970436, account 0011001234567, 250000 VND, "DH SO12345"
WORKED_EXAMPLE = (
    "00020101021238570010A00000072701270006970436011300110012345670208QRIBFTTA"
    "530370454062500005802VN62140810DH SO1234563042086"
)
#: Odoo 17's l10n_vn tests (test_l10n_vn_emv_qr.py): with MCC 0000, merchant name and city
ODOO_VECTOR = (
    "00020101021238590010A0000007270129000697042201156607040600001290208QRIBFTTA"
    "52040000530370454031005802VN5914company_1_data6007Vietnam62150811INVTEST000163042656"
)
ODOO_VECTOR_ACCENTS = (
    "00020101021238590010A0000007270129000697042201156607040600001290208QRIBFTTA"
    "52040000530370454031005802VN5914aAeEoOiIuUyYdD6007Vietnam62150811INVTEST00026304E1C2"
)
#: subiz/vietqr's README: 120,000 VND to VietinBank, message "ủng hộ lũ lụt" (accents dropped)
SUBIZ_VECTOR = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)


@common.at_install(False)
@common.post_install(True)
class TestVietQrPayload(common.TransactionCase):
    def test_crc_check_value(self):
        # CRC-16/CCITT-FALSE's catalogue check value
        self.assertEqual(vietqr.crc16_ccitt_false("123456789"), 0x29B1)

    def test_worked_example(self):
        payload = vietqr.build_payload("970436", "0011001234567", amount=250000, purpose="DH SO12345")
        self.assertEqual(payload, WORKED_EXAMPLE)
        self.assertEqual(payload[-4:], "2086")

    def test_published_vectors(self):
        common_args = {"merchant_city": "Vietnam", "merchant_category": "0000"}
        self.assertEqual(
            vietqr.build_payload(
                "970422", "660704060000129", 100, "INVTEST0001", merchant_name="company_1_data", **common_args
            ),
            ODOO_VECTOR,
        )
        self.assertEqual(
            vietqr.build_payload(
                "970422", "660704060000129", 100, "INVTEST0002", merchant_name="áÁéÉóÓíÍúÚýÝđĐ", **common_args
            ),
            ODOO_VECTOR_ACCENTS,
        )
        self.assertEqual(vietqr.build_payload("970415", "0011001932418", 120000, "ủng hộ lũ lụt"), SUBIZ_VECTOR)

    def test_static_code_without_amount(self):
        fields = vietqr.parse_payload(vietqr.build_payload("970436", "0011001234567"))
        self.assertEqual(fields["01"], "11")
        self.assertNotIn("54", fields)
        self.assertNotIn("62", fields)

    def test_parse_checks_the_crc(self):
        fields = vietqr.parse_payload(WORKED_EXAMPLE)
        self.assertEqual(fields["38"]["01"], {"00": "970436", "01": "0011001234567"})
        self.assertEqual(fields["62"], {"08": "DH SO12345"})
        tampered = WORKED_EXAMPLE.replace("54062500", "54062600")
        with self.assertRaises(ValueError):
            vietqr.parse_payload(tampered)

    def test_refuses_what_banks_cannot_read(self):
        for bank_bin, account, amount in (
            ("97043", "0011001234567", 1000),  # BIN of 5 digits
            ("970436", "0011 0012 34567", 1000),  # spaces
            ("970436", "1" * 20, 1000),  # 20 characters
            ("970436", "0011001234567", 1000.5),  # VND has no cents
            ("970436", "0011001234567", -5),
        ):
            with self.assertRaises(ValueError):
                vietqr.build_payload(bank_bin, account, amount)

    def test_purpose_is_ascii_and_short(self):
        payload = vietqr.build_payload("970436", "0011001234567", 1000, "Thanh toán đơn hàng SO0001 cho cửa hàng")
        purpose = vietqr.parse_payload(payload)["62"]["08"]
        self.assertEqual(purpose, "Thanh toan don hang SO000")
        self.assertEqual(len(purpose), vietqr.PURPOSE_MAX)

    def test_reference_survives_bank_formatting(self):
        reference = vietqr.make_reference("SO/2026/00042")
        self.assertRegex(reference, r"^SO202600042[0-9A-Z]$")
        self.assertEqual(vietqr.make_reference("so 2026-00042"), reference)
        self.assertTrue(vietqr.reference_is_valid(reference))

    def test_reference_check_character_catches_typos(self):
        reference = vietqr.make_reference("SO12345")
        body = reference[:-1]
        for position, char in enumerate(body):
            for other in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
                if other != char:
                    typo = body[:position] + other + body[position + 1 :] + reference[-1]
                    self.assertFalse(vietqr.reference_is_valid(typo), typo)
        for position in range(len(body) - 1):
            if body[position] != body[position + 1]:
                swapped = list(body)
                swapped[position], swapped[position + 1] = swapped[position + 1], swapped[position]
                self.assertFalse(vietqr.reference_is_valid("".join(swapped) + reference[-1]))

    def test_references_found_in_bank_messages(self):
        """What banks make of the transfer message (for statement matching)."""
        ours = {vietqr.make_reference(name) for name in ("SO0784", "SO07841", "SO/2026/00042")}
        ref, longer, dated = (vietqr.make_reference(n) for n in ("SO0784", "SO07841", "SO/2026/00042"))
        for message in (
            ref,
            ref.lower(),
            "MBVCB.3356712.%s.CT tu 0011001234567 TRAN THI BINH toi 0011001234567" % ref,
            "%s %s" % (ref[:3], ref[3:]),  # a space typed inside
            "IBFT %s-Thanh toan don hang" % ref.lower(),
        ):
            self.assertEqual(vietqr.find_references(message, ours), [ref], message)
        # a reference that begins like another is found once, as itself
        self.assertEqual(vietqr.find_references("TT " + longer, ours), [longer])
        self.assertEqual(vietqr.find_references("TT%sXYZ" % longer, ours), [longer])
        self.assertEqual(vietqr.find_references("%s %s" % (ref, longer[-1].lower() + "eu cau"), ours), [ref])
        # two orders paid by one transfer
        self.assertEqual(vietqr.find_references("%s va %s" % (dated, ref), ours), [dated, ref])
        # a mistyped reference or an order number without its check character matches nothing
        typo = ref[:-1] + ("0" if ref[-1] != "0" else "1")
        self.assertEqual(vietqr.find_references("thanh toan " + typo, ours), [])
        self.assertEqual(vietqr.find_references("", ours), [])

    def test_image_decodes_to_the_payload(self):
        from .common import decode_qr  # noqa: PLC0415

        self.assertEqual(decode_qr(vietqr.qr_png(WORKED_EXAMPLE)), WORKED_EXAMPLE)
