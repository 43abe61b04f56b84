# -*- coding: utf-8 -*-
"""VietQR payloads: EMVCo Merchant-Presented QR as NAPAS specifies it for
inter-bank transfers (IBFT) to an account, plus the shop's transfer reference.

Pure Python (no Odoo import), so the payload rules can be read and tested on
their own.  A payload is a chain of TLV fields: a 2-digit id, a 2-digit length,
the value (ASCII).  The fields written here:

==  ==========================================================================
00  payload format indicator ``01``
01  point of initiation: ``11`` static (no amount, reusable), ``12`` dynamic
38  merchant account information, VietQR: 00 = NAPAS' AID ``A000000727``,
    01 = beneficiary (00 = the bank's 6-digit NAPAS BIN, 01 = account number),
    02 = service ``QRIBFTTA`` (transfer to an account)
52  merchant category code (optional)
53  currency, ISO 4217 numeric: ``704`` (VND)
54  amount: whole dong, digits only (dynamic codes)
58  country ``VN``
59  merchant name, 60 merchant city (optional)
62  additional data: 08 = purpose of the transfer, which banking apps put in
    the transfer message (the shop's reference)
63  CRC-16/CCITT-FALSE of everything before it, ``6304`` included, 4 hex digits
==  ==========================================================================
"""

import io
import re
import unicodedata

NAPAS_AID = "A000000727"
SERVICE_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
#: purpose of transaction (62-08): banks keep about 25 characters
PURPOSE_MAX = 25
_ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCOUNT_RE = re.compile(r"^[0-9A-Za-z]{1,19}$")
_BIN_RE = re.compile(r"^[0-9]{6}$")


def crc16_ccitt_false(data):
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no
    reflection, no final XOR (``"123456789"`` gives 0x29B1)."""
    crc = 0xFFFF
    for byte in data.encode("ascii") if isinstance(data, str) else data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def ascii_text(text):
    """``text`` without Vietnamese accents (đ/Đ become d/D), ASCII only: banking
    apps read payload values as ASCII."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if ord(char) < 128 and not unicodedata.combining(char))


def tlv(tag, value):
    """One field: id, 2-digit length, value."""
    value = str(value)
    if not value:
        return ""
    if len(value) > 99:
        raise ValueError("EMV field %s is longer than 99 characters" % tag)
    return "%s%02d%s" % (tag, len(value), value)


def build_payload(
    bank_bin,
    account,
    amount=None,
    purpose=None,
    merchant_name=None,
    merchant_city=None,
    merchant_category=None,
):
    """The VietQR payload (a string) for a transfer to ``account`` at the bank
    whose NAPAS BIN is ``bank_bin``.  With an ``amount`` (whole dong) the code
    is dynamic (one payment); without, static.  ``purpose`` becomes the
    transfer message (62-08)."""
    if not _BIN_RE.match(bank_bin or ""):
        raise ValueError("a NAPAS BIN has 6 digits: %r" % (bank_bin,))
    if not _ACCOUNT_RE.match(account or ""):
        raise ValueError("an account number has 1 to 19 letters or digits: %r" % (account,))
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant_account = tlv("00", NAPAS_AID) + tlv("01", beneficiary) + tlv("02", SERVICE_ACCOUNT)
    amount_text = ""
    if amount is not None:
        if int(amount) != amount or amount <= 0:
            raise ValueError("a VND amount is a positive whole number: %r" % (amount,))
        amount_text = str(int(amount))
    purpose = ascii_text(purpose).strip()[:PURPOSE_MAX]
    payload = "".join(
        [
            tlv("00", "01"),
            tlv("01", "12" if amount_text else "11"),
            tlv("38", merchant_account),
            tlv("52", merchant_category or ""),
            tlv("53", CURRENCY_VND),
            tlv("54", amount_text),
            tlv("58", COUNTRY_VN),
            tlv("59", ascii_text(merchant_name)[:25]),
            tlv("60", ascii_text(merchant_city)[:15]),
            tlv("62", tlv("08", purpose)),
            "6304",
        ]
    )
    return payload + "%04X" % crc16_ccitt_false(payload)


def parse_payload(payload):
    """The fields of a payload as a dict ``{id: value}``; templates (38, 62)
    as nested dicts.  Raises ValueError when the structure or the CRC is wrong."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise ValueError("no CRC field at the end")
    if "%04X" % crc16_ccitt_false(payload[:-4]) != payload[-4:].upper():
        raise ValueError("CRC mismatch")
    return _parse_fields(payload, nested=("38", "62"))


def _parse_fields(text, nested=()):
    fields, position = {}, 0
    while position < len(text):
        tag, length = text[position : position + 2], text[position + 2 : position + 4]
        if len(tag) < 2 or not length.isdigit():
            raise ValueError("malformed field at %d" % position)
        value = text[position + 4 : position + 4 + int(length)]
        if len(value) != int(length):
            raise ValueError("field %s is cut short" % tag)
        fields[tag] = _parse_fields(value, nested=("01",) if tag == "38" else ()) if tag in nested else value
        position += 4 + int(length)
    return fields


# ------------------------------------------------------------ the reference
def _check_character(text):
    """Luhn mod 36 check character of ``text`` (0-9, A-Z): catches any single
    wrong character and any swap of two neighbours."""
    total, factor = 0, 2
    for char in reversed(text):
        addend = factor * _ALNUM36.index(char)
        total += addend // 36 + addend % 36
        factor = 1 if factor == 2 else 2
    return _ALNUM36[(36 - total % 36) % 36]


def make_reference(name):
    """The transfer reference of an order named ``name``: its letters and
    digits, upper case, then one check character.  ``SO/2026/00042`` gives
    ``SO202600042`` plus its check character."""
    core = re.sub(r"[^0-9A-Z]", "", ascii_text(name).upper())
    return core + _check_character(core) if core else ""


def reference_is_valid(reference):
    """Whether ``reference`` (letters and digits, upper case) ends with its own
    check character."""
    return len(reference) > 1 and _check_character(reference[:-1]) == reference[-1]


def compact(text):
    """``text`` as banks may pass it on: ASCII, upper case, letters and digits
    only (spaces, dots, dashes and slashes dropped)."""
    return re.sub(r"[^0-9A-Z]", "", ascii_text(text).upper())


def find_references(message, references, lengths=None):
    """The references of ``references`` (a set of valid references) that a
    bank statement ``message`` holds, whatever the bank did to it: spaces or
    symbols added or dropped, case changed, its own text before or after.
    Returns them in the order they appear, each once.

    The message's words (split at anything but a letter or a digit) are tried
    first: a reference standing alone is taken as it is, even when a longer
    reference starts with it and the next word starts with the missing letter
    (``SO07841 Yeu cau`` is ``SO07841``, not ``SO07841Y``).  Only when no word
    is a reference is the compacted message searched (a reference glued to the
    bank's text, or cut by a space), longest references first, each match cut
    out before looking for the next, so a reference that starts another is not
    found inside it.  ``lengths``: the lengths of the references, computed
    once by a caller matching many messages against the same set."""
    words = re.split(r"[^0-9A-Z]+", ascii_text(message).upper())
    found = [word for word in words if word in references]
    if found:
        return list(dict.fromkeys(found))
    text = compact(message)
    matches = []
    if lengths is None:
        lengths = {len(reference) for reference in references}
    for length in sorted(lengths, reverse=True):
        position = 0
        while position + length <= len(text):
            window = text[position : position + length]
            if window in references:
                matches.append((position, window))
                text = text[:position] + "\0" * length + text[position + length :]
                position += length
            else:
                position += 1
    return list(dict.fromkeys(reference for _position, reference in sorted(matches)))


def qr_png(payload, box_size=6):
    """The QR code of ``payload`` as PNG bytes (error correction M, the
    standard 4-module quiet zone)."""
    import qrcode  # noqa: PLC0415 (imported when an image is drawn, not when the module is loaded)

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
