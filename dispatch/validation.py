"""Validation errors as a person reads them: the form's own labels, in the user's language.

Pydantic's errors name internal fields in English ("adults: Input should be a valid
integer"); `describe` turns them into "«Dewasa» harus bilangan bulat". The project's own
validators raise `PydanticCustomError(<i18n key>, ...)`: their type is the message key.
Never echoes what was typed (it may be personal data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dispatch.i18n import CATALOG, translate

# field name -> the label key the forms show
FIELD_LABELS = {
    "kind": "kind_label",
    "urgency": "urgency",
    "village_code": "village",
    "village": "village",
    "district_code": "district",
    "address": "address",
    "landmark": "landmark",
    "location": "location",
    "confirm_outside": "send_anyway",
    "adults": "adults",
    "children": "children",
    "needs_wheelchair": "need_wheelchair",
    "needs_infant_seat": "need_infant",
    "needs_female_staff": "need_female",
    "available_date": "date",
    "window_start": "from",
    "window_end": "until",
    "onsite_minutes": "onsite",
    "contact_phone": "contact_phone",
    "survivor_name": "survivor_name",
    "notes": "notes",
    "safe_contact": "safe_contact",
    "destination": "destination",
    "version": "data_version",
    "duplicate_of": "duplicate_of_label",
    "duplicate_confirmed": "duplicate_decision",
    "verified": "verified_label",
    "location_confirmed": "confirm_location",
    "status": "status",
}
# where a value came from, not a field
_SOURCES = {"body", "query", "path", "form", "header", "cookie"}

# pydantic error type -> (message key, the context value it shows as {n})
_TYPES: dict[str, tuple[str, str | None]] = {
    "missing": ("val_missing", None),
    "int_parsing": ("val_int", None),
    "int_type": ("val_int", None),
    "int_from_float": ("val_int", None),
    "int_parsing_size": ("val_int", None),
    "float_parsing": ("val_number", None),
    "float_type": ("val_number", None),
    "finite_number": ("val_number", None),
    "bool_parsing": ("val_bool", None),
    "bool_type": ("val_bool", None),
    "string_type": ("val_text", None),
    "string_too_long": ("val_too_long", "max_length"),
    "string_too_short": ("val_too_short", "min_length"),
    "too_long": ("val_items_too_long", "max_length"),
    "too_short": ("val_items_too_short", "min_length"),
    "greater_than_equal": ("val_ge", "ge"),
    "greater_than": ("val_gt", "gt"),
    "less_than_equal": ("val_le", "le"),
    "less_than": ("val_lt", "lt"),
    "string_pattern_mismatch": ("val_pattern", None),
    "enum": ("val_choice", "expected"),
    "literal_error": ("val_choice", "expected"),
    "json_invalid": ("val_json", None),
    "json_type": ("val_json", None),
    "model_type": ("val_object", None),
    "model_attributes_type": ("val_object", None),
    "dict_type": ("val_object", None),
    "list_type": ("val_list", None),
    "extra_forbidden": ("val_extra", None),
}
TIME_PATTERN_MARK = ":[0-5]"  # the HH:MM patterns


def field_of(loc: Iterable[Any]) -> str:
    """The field an error is about ("" for the whole form)."""
    names = [str(p) for p in loc if isinstance(p, str) and p not in _SOURCES]
    return names[-1] if names else ""


def label(field: str, lang: str) -> str:
    key = FIELD_LABELS.get(field)
    return translate(key, lang) if key else field


def _message(err: Mapping[str, Any], lang: str) -> tuple[str, bool]:
    """The message, and whether it is said of a field (else it is a whole sentence)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "string_pattern_mismatch" and TIME_PATTERN_MARK in str(ctx.get("pattern", "")):
        return translate("val_time", lang), True
    if kind in _TYPES:
        key, shown = _TYPES[kind]
        n = ctx.get(shown, "") if shown else ""
        if kind in ("enum", "literal_error") and lang == "id":
            n = str(n).replace(" or ", " atau ")
        return translate(key, lang, n=n), True
    if kind.startswith(("date", "datetime")):
        return translate("val_date", lang), True
    if kind in CATALOG:  # the project's own validators: PydanticCustomError(<key>, ...)
        return translate(kind, lang, **ctx).rstrip("."), False
    if lang == "en" and kind == "value_error" and err.get("msg"):
        return str(err["msg"]).removeprefix("Value error, "), False
    return translate("val_invalid", lang), True


def describe(errors: Iterable[Mapping[str, Any]], lang: str, limit: int = 8) -> list[dict]:
    """One entry per error: the field's name, the error's type and a person's message."""
    out, seen = [], set()
    for err in errors:
        field = field_of(err.get("loc", ()))
        text, of_field = _message(err, lang)
        if of_field:  # said of the whole body when no field is named
            name = label(field, lang) if field else translate("val_body", lang)
            message = f"«{name}» {text}"
        else:
            message = f"«{label(field, lang)}»: {text}" if field else text
        if message in seen:
            continue
        seen.add(message)
        out.append({"field": field, "code": str(err.get("type", "")), "message": message})
        if len(out) == limit:
            break
    return out


def summary(items: list[dict]) -> str:
    """What follows "Isian tidak valid:" on a page or in the API's `detail`."""
    return "; ".join(i["message"] for i in items)[:600] or "-"
