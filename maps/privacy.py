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


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text)))


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
    """A compiled set of forbidden terms.

    The text is normalised and split into words. A caller value matches as a whole-word
    sequence ("Ibu Ani" contains "Ani", "Anita" does not); the fixed words also match
    inside words and run together ("korbannya", "rumah_aman", "RumahAman").
    """

    def __init__(self, terms: Iterable[str]) -> None:
        fixed = {" ".join(_words(t)) for t in ALWAYS_FORBIDDEN}
        self._fixed: list[str] = []
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for term in dict.fromkeys(terms):
            words = _words(term)
            joined = " ".join(words)
            if not words:
                continue
            if joined in fixed:
                self._fixed += [joined, "".join(words)]
            elif len(joined) >= MIN_VALUE_LENGTH:
                self._by_first.setdefault(words[0], []).append(words)

    def _found(self, text: str) -> bool:
        words = _words(text)
        spaced = " " + " ".join(words) + " "
        if any(f in spaced for f in self._fixed):
            return True
        by_first = self._by_first
        for i, w in enumerate(words):
            for seq in by_first.get(w, ()):
                if words[i : i + len(seq)] == seq:
                    return True
        return False

    def check(self, text: str, trusted: Iterable[str] = (), what: str = "output") -> str:
        """Return `text` unchanged, or raise PrivacyError (naming where, never the value)."""
        scan = text
        for blob in trusted:
            if blob:
                scan = scan.replace(blob, " ")
        if self._found(scan):
            # the message must not repeat the value: it may end up in a log
            raise PrivacyError(
                f"{what}: a forbidden term (a sensitive value or a restricted word) was "
                "found; nothing was emitted"
            )
        return text


def guard_for(view: PlanView) -> Guard:
    return Guard(forbidden_terms(view))


def check_output(view: PlanView, text: str, trusted: Iterable[str] = (), what: str = "output"):
    return guard_for(view).check(text, trusted, what)
