"""Offline gazetteer: the regency's kecamatan and villages, matched fuzzily with rapidfuzz.

Names and their normalised keys are computed once; a call scores every window of the
query (runs of 1-4 tokens inside one address segment) against every name with
`rapidfuzz.process.cdist`, then ranks with the kecamatan hint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from dispatch.geocoding import registry
from dispatch.geocoding.base import Candidate, Point
from dispatch.geocoding.text import Segment, key, name_tokens, segments

# Generic first words of names; "Pantuan" alone still finds "Muara Pantuan".
GENERIC_PREFIXES = frozenset(
    {"muara", "sungai", "tanjung", "loa", "handil", "kampung", "teluk", "long", "lamin", "pulau"}
)
MAX_WINDOW = 4
# Score adjustments (points out of 100).
ALIAS_PENALTY = 6.0
SEGMENT_PENALTY = {
    "plain": 0.0,
    "village": 0.0,
    "district": 0.0,
    "street": 12.0,
    "hamlet": 8.0,
    "landmark": 8.0,
}
WRONG_MARKER_PENALTY = 30.0  # a village named in "Kec. ...", or a kecamatan after "Desa"
# Letters of the window's segment that the window leaves unexplained lower its score by
# LEFTOVER_WEIGHT times what they would cost in a ratio against the whole segment.
LEFTOVER_WEIGHT = 0.8
_ROMAN = {"1": "i", "2": "ii", "3": "iii"}
OTHER_DISTRICT_PENALTY = 10.0  # a village outside the kecamatan the caller or text names
HINT_MIN_SCORE = 86.0
VILLAGE_OVER_HINT = 60.0


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    level: str  # "village" or "kecamatan"
    district_code: str


@dataclass(slots=True)
class _Window:
    seg: int
    start: int
    end: int  # exclusive
    kind: str
    key: str
    leftover: int  # letters of the segment outside the window


class Gazetteer:
    """Kecamatan and villages of one regency with their reference points.

    `district_points` and `village_points` map Kemendagri codes to `Point`s. A village
    without a point answers with its kecamatan's point (precision "kecamatan"), a
    kecamatan without one with the regency point (precision "regency").
    """

    name = "gazetteer"

    def __init__(
        self,
        region_code: str,
        district_points: Mapping[str, Point] | None = None,
        village_points: Mapping[str, Point] | None = None,
        *,
        regency_point: Point | None = None,
        districts: Mapping[str, str] | None = None,
        villages: Mapping[str, str] | None = None,
        min_score: float = 45.0,
        limit: int = 10,
    ):
        self.region_code = region_code
        self.district_names = dict(districts or registry.districts(region_code))
        self.village_names = dict(villages or registry.villages(region_code))
        if not self.district_names:
            raise ValueError(f"{region_code!r} is not a regency code in the registry")
        self.regency_name = registry.regency_name(region_code) or region_code
        self.district_points = dict(district_points or {})
        self.village_points = dict(village_points or {})
        self.regency_point = regency_point or _mean_point(
            list(self.district_points.values()) or list(self.village_points.values())
        )
        self.min_score = min_score
        self.limit = limit
        self._build()

    # ---- set-up --------------------------------------------------------------------------
    def _build(self) -> None:
        places: list[Place] = []
        for code, name in sorted(self.district_names.items()):
            places.append(Place(code, name, "kecamatan", code))
        for code, name in sorted(self.village_names.items()):
            places.append(Place(code, name, "village", code[: code.rfind(".")]))
        self.places = places
        self._by_code = {p.code: i for i, p in enumerate(places)}
        keys: list[str] = []
        owners: list[int] = []
        penalties: list[float] = []
        for i, p in enumerate(places):
            toks = name_tokens(p.name)
            keys.append(key(toks))
            owners.append(i)
            penalties.append(0.0)
            if len(toks) >= 2 and toks[0] in GENERIC_PREFIXES and len(key(toks[1:])) >= 4:
                keys.append(key(toks[1:]))
                owners.append(i)
                penalties.append(ALIAS_PENALTY)
            if any(t in _ROMAN for t in toks):  # "Kota Bangun I" also as "kotabangun i"
                keys.append(key([_ROMAN.get(t, t) for t in toks]))
                owners.append(i)
                penalties.append(0.0)
        self._keys = keys
        self._key_len = np.array([len(k) for k in keys], dtype=np.float32)
        self._owners = np.array(owners)
        self._alias_pen = np.array(penalties)
        self._is_district = np.array([places[o].level == "kecamatan" for o in owners])
        self._district_by_key = {key(name_tokens(n)): c for c, n in self.district_names.items()}
        self._name_words = frozenset(t for p in places for t in name_tokens(p.name))

    def with_points(
        self,
        *,
        district_points: Mapping[str, Point] | None = None,
        village_points: Mapping[str, Point] | None = None,
    ) -> Gazetteer:
        """A copy with other points (names and keys are shared, not recomputed)."""
        new = object.__new__(Gazetteer)
        for slot in (
            "region_code",
            "district_names",
            "village_names",
            "regency_name",
            "min_score",
            "limit",
            "places",
            "_by_code",
            "_keys",
            "_owners",
            "_alias_pen",
            "_is_district",
            "_district_by_key",
            "_key_len",
            "_name_words",
        ):
            setattr(new, slot, getattr(self, slot))
        new.district_points = dict(
            self.district_points if district_points is None else district_points
        )
        new.village_points = dict(self.village_points if village_points is None else village_points)
        new.regency_point = self.regency_point
        if district_points is not None or village_points is not None:
            new.regency_point = (
                _mean_point(list(new.district_points.values()) or list(new.village_points.values()))
                or self.regency_point
            )
        return new

    # ---- look-ups ------------------------------------------------------------------------
    def district_code(self, hint: str | None) -> str | None:
        """A kecamatan code from a code or a (possibly misspelt) name; None if unknown."""
        if not hint or not hint.strip():
            return None
        h = hint.strip()
        if h in self.district_names:
            return h
        if h.count(".") == 3 and h[: h.rfind(".")] in self.district_names:
            return h[: h.rfind(".")]
        toks = [t for t in name_tokens(h) if t not in {"kecamatan"}]
        k = key(toks)
        if not k:
            return None
        if k in self._district_by_key:
            return self._district_by_key[k]
        best = process.extractOne(k, self._district_by_key.keys(), scorer=fuzz.ratio)
        if best and best[1] >= 80:
            return self._district_by_key[best[0]]
        return None

    def candidate(self, code: str, score: float = 100.0, note: str = "") -> Candidate | None:
        """The candidate for a known code (village or kecamatan)."""
        i = self._by_code.get(code)
        return None if i is None else self._candidate(self.places[i], score, note)

    def point_of(self, code: str) -> tuple[Point | None, str]:
        """The best known point for a code and its precision."""
        if code in self.village_points:
            return self.village_points[code], "village"
        dcode = code if code in self.district_names else code[: code.rfind(".")]
        if dcode in self.district_points:
            return self.district_points[dcode], "kecamatan"
        return self.regency_point, "regency" if self.regency_point else "none"

    def _candidate(self, place: Place, score: float, matched: str = "") -> Candidate:
        point, precision = self.point_of(place.code)
        wanted = "village" if place.level == "village" else "kecamatan"
        note = ""
        if precision != wanted:
            what = "desa/kelurahan" if place.level == "village" else "kecamatan"
            fallback = {"kecamatan": "the kecamatan's", "regency": "the regency's"}.get(
                precision, "no"
            )
            note = f"no point known for this {what}: {fallback} reference point is used"
        src = "gazetteer"
        if point and point.source:
            src = f"gazetteer; point: {point.source}"
        if note:
            src = f"{src} ({precision} fallback)"
        return Candidate(
            code=place.code,
            name=place.name,
            district_code=place.district_code,
            district_name=self.district_names.get(place.district_code, ""),
            lat=point.lat if point else None,
            lon=point.lon if point else None,
            precision=precision,  # type: ignore[arg-type]
            score=round(max(0.0, min(100.0, score)), 2),
            source=src,
            level=wanted,  # type: ignore[arg-type]
            note=note,
            matched=matched,
        )

    def nearest(self, lat: float, lon: float, level: str = "village") -> Place | None:
        """The place whose reference point is nearest (villages fall back to kecamatan)."""
        pts = self.village_points if level == "village" else self.district_points
        if not pts:
            if level == "village":
                return self.nearest(lat, lon, "kecamatan")
            return None
        coslat = math.cos(math.radians(lat))
        best = min(
            (c for c in pts if c in self._by_code),
            key=lambda c: (pts[c].lat - lat) ** 2 + ((pts[c].lon - lon) * coslat) ** 2,
            default=None,
        )
        return None if best is None else self.places[self._by_code[best]]

    # ---- matching ------------------------------------------------------------------------
    def geocode(self, text: str, district: str | None = None) -> list[Candidate]:
        """Ranked candidates for a place name or free address text."""
        segs = segments(text, self._name_words)
        windows = _windows(segs)
        if not windows:
            return []
        wkeys = [w.key for w in windows]
        raw = process.cdist(wkeys, self._keys, scorer=fuzz.ratio, dtype=np.float32)
        adj = raw - self._alias_pen[None, :]
        kinds = [w.kind for w in windows]
        seg_pen = np.array([SEGMENT_PENALTY.get(k, 0.0) for k in kinds], dtype=np.float32)
        adj = adj - seg_pen[:, None]
        in_vseg = np.array([k == "village" for k in kinds])
        in_dseg = np.array([k == "district" for k in kinds])
        wrong = (in_vseg[:, None] & self._is_district[None, :]) | (
            in_dseg[:, None] & ~self._is_district[None, :]
        )
        adj = adj - WRONG_MARKER_PENALTY * wrong

        # The kecamatan hint: given by the caller, else the longest well-matched kecamatan
        # window of the text (a "Kec." segment first).
        hint = self.district_code(district)
        hint_from_text = False
        hint_window: _Window | None = None
        if hint is None:
            dcols = np.flatnonzero(self._is_district)
            best_rank = None
            for wi, w in enumerate(windows):
                row = raw[wi, dcols] - self._alias_pen[dcols]
                j = int(np.argmax(row))
                s = float(row[j])
                if s < HINT_MIN_SCORE or w.kind in {"street", "landmark"}:
                    continue
                rank = (
                    {"district": 2, "plain": 1}.get(w.kind, 0),
                    w.end - w.start,
                    len(w.key),
                    s,
                )
                if best_rank is None or rank > best_rank:
                    best_rank, hint_window = rank, w
                    hint = self.places[int(self._owners[dcols[j]])].code
            hint_from_text = hint is not None

        # Letters left unexplained in a window's segment lower its score (the kecamatan
        # named as the hint elsewhere in the segment is explained).
        leftover = np.array(
            [
                w.leftover
                - (
                    len(hint_window.key)
                    if hint_window is not None
                    and hint_window.seg == w.seg
                    and not _overlap(w, hint_window)
                    else 0
                )
                for w in windows
            ],
            dtype=np.float32,
        )[:, None]
        leftover = np.maximum(leftover, 0)
        adj = adj - LEFTOVER_WEIGHT * 100.0 * leftover / (2 * self._key_len[None, :] + leftover)

        best_w = np.argmax(adj, axis=0)
        best_s = adj[best_w, np.arange(adj.shape[1])]
        # Per place: best over its keys (name and alias).
        scores: dict[int, tuple[float, int]] = {}
        for col in np.flatnonzero(best_s >= self.min_score - OTHER_DISTRICT_PENALTY):
            owner = int(self._owners[col])
            s = float(best_s[col])
            if owner not in scores or s > scores[owner][0]:
                scores[owner] = (s, int(best_w[col]))
        ranked: list[tuple[float, int, int, str, Place, str]] = []
        village_in_hint = 0.0  # best village of the hinted kecamatan named apart from it
        for owner, (s, wi) in scores.items():
            place = self.places[owner]
            w = windows[wi]
            same_words = hint_from_text and hint_window is not None and _overlap(w, hint_window)
            if hint and place.level == "village" and place.district_code != hint and not same_words:
                s -= OTHER_DISTRICT_PENALTY
            if hint and place.level == "village" and place.district_code == hint and not same_words:
                village_in_hint = max(village_in_hint, s)
            ranked.append(
                (
                    s,
                    0 if place.level == "village" else 1,
                    -(w.end - w.start),
                    place.code,
                    place,
                    w.key,
                )
            )
        if hint_from_text and village_in_hint >= VILLAGE_OVER_HINT:
            # "Sumbr Sari, Kec. Loa Kulu" is about a village of Loa Kulu: kecamatan
            # candidates (the hint, or parts of its name) rank after that village.
            ranked = [
                (min(r[0], village_in_hint - 0.5), *r[1:]) if r[4].level == "kecamatan" else r
                for r in ranked
            ]
        ranked = [r for r in ranked if r[0] >= self.min_score]
        ranked.sort(key=lambda r: (-r[0], r[1], r[2], r[3]))
        return [self._candidate(r[4], r[0], r[5]) for r in ranked[: self.limit]]


def _overlap(a: _Window, b: _Window) -> bool:
    return a.seg == b.seg and a.start < b.end and b.start < a.end


def _windows(segs: list[Segment]) -> list[_Window]:
    out: list[_Window] = []
    for si, seg in enumerate(segs):
        n = len(seg.tokens)
        total = len(key(seg.tokens))
        for start in range(n):
            for end in range(start + 1, min(n, start + MAX_WINDOW) + 1):
                k = key(seg.tokens[start:end])
                if len(k) < 3:
                    continue
                out.append(_Window(si, start, end, seg.kind, k, total - len(k)))
    return out


def _mean_point(points: list[Point]) -> Point | None:
    if not points:
        return None
    return Point(
        sum(p.lat for p in points) / len(points),
        sum(p.lon for p in points) / len(points),
        "mean of the kecamatan reference points",
    )


__all__ = ["Gazetteer", "Place"]
