"""Indonesian phone numbers, normalised to +62 form."""

from __future__ import annotations

import phonenumbers

from dispatch.errors import UserError


def normalise_phone(raw: str) -> str:
    """'0812-3456-7890', '62812…', '+62 812…' → '+6281234567890'; refuse what cannot ring."""
    text = (raw or "").strip()
    if not text:
        raise UserError("phone_required")
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        raise UserError("phone_invalid", phone=text[:20]) from None
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise UserError("phone_invalid", phone=text[:20])
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
