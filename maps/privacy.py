"""The last guard before any output leaves the library.

`forbidden_terms(view)` lists what must never appear: the fixed words ("KDRT", "korban",
"Rumah Aman"), every sensitive value the caller passed (survivor name, notes, kind of
violence, request kind), the name and address of every confidential place, and the
caller's extra terms. `check_output` normalises the text (HTML entities, JSON \\u escapes,
URL escapes, case, punctuation between words) and raises `PrivacyError` on any match.
`mask_forbidden` (and `Guard.mask`) replaces each match in a free text (an officer's landmark or
address) with a neutral placeholder, by the same matching, so masked text always passes.
Vendor libraries inlined verbatim (Leaflet) are passed as `trusted` and skipped: they
cannot carry caller data.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from urllib.parse import unquote

from maps.model import PlanView

ALWAYS_FORBIDDEN = ("KDRT", "korban", "Rumah Aman")
MIN_VALUE_LENGTH = 3  # shorter caller values are too ambiguous to search for
MASK = "…"  # what `mask` puts in place of a forbidden term


class PrivacyError(ValueError):
    """An output would contain a forbidden term; nothing was emitted."""


_UESC = re.compile(r"\\u([0-9a-fA-F]{4})")
_XESC = re.compile(r"\\x([0-9a-fA-F]{2})")


def _decoded(text: str) -> str:
    """The text as a reader sees it: escapes resolved, NFKC; case kept."""
    t = html.unescape(html.unescape(text))
    t = _UESC.sub(lambda m: chr(int(m.group(1), 16)), t)
    t = _XESC.sub(lambda m: chr(int(m.group(1), 16)), t)
    t = unquote(unquote(t)).replace("+", " ")
    return unicodedata.normalize("NFKC", t)


def normalise(text: str) -> str:
    return _decoded(text).casefold()


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

    def _hits(self, words: tuple[str, ...]):
        """Each match as a range of word indices [first, last): lazily, so `_found` stops
        at the first."""
        spaced = " " + " ".join(words) + " "
        starts: list[int] | None = None  # where each word begins in `spaced`
        for f in self._fixed:
            at = spaced.find(f)
            while at != -1:
                if starts is None:
                    starts, pos = [], 1
                    for w in words:
                        starts.append(pos)
                        pos += len(w) + 1
                first = max(0, bisect_right(starts, at) - 1)
                last = max(0, bisect_right(starts, at + len(f) - 1) - 1)
                yield first, last + 1
                at = spaced.find(f, at + 1)
        by_first = self._by_first
        for i, w in enumerate(words):
            for seq in by_first.get(w, ()):
                if words[i : i + len(seq)] == seq:
                    yield i, i + len(seq)

    def _found(self, text: str) -> bool:
        return next(self._hits(_words(text)), None) is not None

    def mask(self, text: str, placeholder: str = MASK) -> str:
        """`text` with every forbidden term replaced by `placeholder` (whole words; terms
        next to each other become one placeholder). Unchanged when nothing matches; when
        something matches, escapes in the text are resolved as the guard reads them.
        Whatever the guard would still find gives the placeholder alone."""
        if not text or not self._found(text):
            return text
        decoded = _decoded(text)
        found = list(_WORD.finditer(decoded))
        words = tuple(m.group().casefold() for m in found)
        ranges = sorted(self._hits(words))
        spans: list[list[int]] = []
        for first, last in ranges:
            if first >= len(found):
                continue
            start, end = found[first].start(), found[min(last, len(found)) - 1].end()
            if spans and (start <= spans[-1][1] or not decoded[spans[-1][1] : start].strip()):
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        out, pos = [], 0
        for start, end in spans:
            out += [decoded[pos:start], placeholder]
            pos = end
        masked = "".join(out) + decoded[pos:]
        return placeholder if self._found(masked) else masked

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


def mask_forbidden(text: str, terms: Iterable[str] = (), placeholder: str = MASK) -> str:
    """`text` with the fixed words and the given terms masked (see `Guard.mask`)."""
    return Guard([*ALWAYS_FORBIDDEN, *terms]).mask(text, placeholder)


def check_output(view: PlanView, text: str, trusted: Iterable[str] = (), what: str = "output"):
    return guard_for(view).check(text, trusted, what)
