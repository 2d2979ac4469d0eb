"""The last guard before any output leaves the library.

`forbidden_terms(view)` lists what must never appear: the fixed words ("KDRT", "korban",
"Rumah Aman"), every sensitive value the caller passed (survivor name, notes, kind of
violence, request kind), the name and address of every confidential place, and the
caller's extra terms. `check_output` normalises the text (HTML entities, JSON \\u escapes,
URL escapes, case, punctuation between words) and raises `PrivacyError` on any match.
Vendor libraries inlined verbatim (Leaflet) are passed as `trusted` and skipped: they
cannot carry caller data.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote

from maps.model import PlanView

ALWAYS_FORBIDDEN = ("KDRT", "korban", "Rumah Aman")
MIN_VALUE_LENGTH = 3  # shorter caller values are too ambiguous to search for


class PrivacyError(ValueError):
    """An output would contain a forbidden term; nothing was emitted."""


_UESC = re.compile(r"\\u([0-9a-fA-F]{4})")
_XESC = re.compile(r"\\x([0-9a-fA-F]{2})")


def normalise(text: str) -> str:
    t = html.unescape(html.unescape(text))
    t = _UESC.sub(lambda m: chr(int(m.group(1), 16)), t)
    t = _XESC.sub(lambda m: chr(int(m.group(1), 16)), t)
    t = unquote(unquote(t)).replace("+", " ")
    return unicodedata.normalize("NFKC", t).casefold()


def _pattern(term: str, bounded: bool) -> str | None:
    words = [w for w in re.split(r"[\W_]+", normalise(term)) if w]
    if not words:
        return None
    body = r"[\W_]*".join(re.escape(w) for w in words)
    return rf"(?<![^\W_]){body}(?![^\W_])" if bounded else body


def forbidden_terms(view: PlanView) -> list[str]:
    terms: list[str] = list(ALWAYS_FORBIDDEN)
    infos = list(view.stops.values()) if hasattr(view.stops, "values") else list(view.stops)
    infos += list(view.requests or [])
    for info in infos:
        terms += [v for v in info.sensitive_values if v]
    for place in view.places:
        if place.confidential:
            terms += [v for v in (place.label, place.address) if v]
    terms += [t for t in view.extra_forbidden if t]
    return list(dict.fromkeys(terms))


class Guard:
    """A compiled set of forbidden terms."""

    def __init__(self, terms: Iterable[str]) -> None:
        fixed = {normalise(t) for t in ALWAYS_FORBIDDEN}
        parts: list[str] = []
        for term in dict.fromkeys(terms):
            norm = normalise(term).strip()
            if len(norm) < MIN_VALUE_LENGTH and norm not in fixed:
                continue
            # fixed words match anywhere ("korbannya"); caller values as whole words
            p = _pattern(term, bounded=norm not in fixed)
            if p:
                parts.append(p)
        self._re = re.compile("|".join(parts)) if parts else None

    def check(self, text: str, trusted: Iterable[str] = (), what: str = "output") -> str:
        """Return `text` unchanged, or raise PrivacyError naming no value (only where)."""
        scan = text
        for blob in trusted:
            if blob:
                scan = scan.replace(blob, "")
        if self._re is not None:
            m = self._re.search(normalise(scan))
            if m:
                # the message must not repeat the value: it may end up in a log
                raise PrivacyError(
                    f"{what}: a forbidden term (sensitive value or restricted word) was "
                    f"found at normalised offset {m.start()}; nothing was written"
                )
        return text


def guard_for(view: PlanView) -> Guard:
    return Guard(forbidden_terms(view))


def check_output(view: PlanView, text: str, trusted: Iterable[str] = (), what: str = "output"):
    return guard_for(view).check(text, trusted, what)
