"""Normalisation of Indonesian place names and address text for fuzzy matching."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Abbreviations and spelling variants, token -> canonical token(s).
ABBREVIATIONS: dict[str, str] = {
    "sei": "sungai",
    "sg": "sungai",
    "sgi": "sungai",
    "sng": "sungai",
    "sungei": "sungai",
    "tj": "tanjung",
    "tg": "tanjung",
    "tjg": "tanjung",
    "tgk": "tanjung",
    "tanjong": "tanjung",
    "kp": "kampung",
    "kpg": "kampung",
    "kamp": "kampung",
    "kampong": "kampung",
    "ma": "muara",
    "mra": "muara",
    "muare": "muara",
    "tlk": "teluk",
    "tl": "teluk",
    "bkt": "bukit",
    "hdl": "handil",
    "handel": "handil",
    "pl": "pulau",
    "p": "pulau",
    "pulo": "pulau",
    "gn": "gunung",
    "gng": "gunung",
    "gunong": "gunung",
    "hulu": "ulu",
    "hilir": "ilir",
    "ilr": "ilir",
    "dlm": "dalam",
    "tgh": "tengah",
    "tngh": "tengah",
    "slt": "selatan",
    "sel": "selatan",
    "kt": "kota",
    "kel": "kelurahan",
    "ds": "desa",
    "dsa": "desa",
    "kec": "kecamatan",
    "kecamatn": "kecamatan",
    "kab": "kabupaten",
    "jl": "jalan",
    "jln": "jalan",
    "jlan": "jalan",
    "gg": "gang",
    "dsn": "dusun",
    "lingk": "lingkungan",
    "lrg": "lorong",
    "sp": "simpang",
    "smpg": "simpang",
    "i": "1",
    "satu": "1",
    "ii": "2",
    "dua": "2",
    "iii": "3",
    "tiga": "3",
}

VILLAGE_MARKERS = frozenset({"desa", "kelurahan", "lurah"})
DISTRICT_MARKERS = frozenset({"kecamatan", "camat"})
STREET_MARKERS = frozenset(
    {"jalan", "gang", "lorong", "komplek", "kompleks", "perum", "perumahan", "blok"}
)
HAMLET_MARKERS = frozenset({"dusun", "lingkungan"})
# Tokens that end a street/hamlet segment together with the number that follows them.
NUMBERED = frozenset({"rt", "rw", "no", "nomor", "nomer", "km", "kilometer", "blok"})
REGENCY_WORDS = frozenset(
    {"kabupaten", "kukar", "kaltim", "provinsi", "propinsi", "prov", "indonesia", "kartanegara"}
)
NOISE = frozenset(
    {
        "kantor",
        "kepala",
        "kades",
        "balai",
        "dekat",
        "depan",
        "samping",
        "belakang",
        "sebelah",
        "masjid",
        "mesjid",
        "musholla",
        "mushola",
        "langgar",
        "gereja",
        "sekolah",
        "sd",
        "sdn",
        "smp",
        "smpn",
        "sma",
        "sman",
        "smk",
        "pasar",
        "rumah",
        "bapak",
        "ibu",
        "pak",
        "bu",
        "warung",
        "toko",
        "puskesmas",
        "pustu",
        "posyandu",
        "polindes",
        "lokasi",
        "alamat",
        "di",
        "ke",
        "dan",
        "yang",
        "arah",
        "simpang",
        "jembatan",
        "dermaga",
        "pelabuhan",
        "kua",
        "wilayah",
        "daerah",
        "tinggal",
        "dari",
        "atau",
    }
)
BIGRAM_NOISE = {("kutai", "kartanegara"), ("kalimantan", "timur")}

_TOKEN = re.compile(r"[a-z]+|[0-9]+|[,;:()\n/|]")
_REDUP = re.compile(r"\b([a-z]{2,})2\b")
_BOUNDARY = frozenset(",;:()\n/|")


def fold(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"['’`]", "", text)


def name_tokens(name: str) -> list[str]:
    """Tokens of an official or variant name: abbreviations expanded, no markers dropped."""
    text = _REDUP.sub(r"\1 \1", fold(name))
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if tok in _BOUNDARY:
            continue
        tok = ABBREVIATIONS.get(tok, tok)
        if tok.isdigit():
            tok = str(int(tok))
        out.append(tok)
    return out


def key(tokens: list[str] | tuple[str, ...]) -> str:
    return "".join(tokens)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of name tokens between commas and markers; `kind` says what it names."""

    kind: str  # "plain", "village", "district", "street", "hamlet", "landmark"
    tokens: tuple[str, ...]


def segments(text: str, name_words: frozenset[str] = frozenset()) -> list[Segment]:
    """Split free address text into labelled runs of name tokens.

    "Jl. Poros RT 05 Ds. Sebulu Ilir Kec. Sebulu" ->
    [street (poros), village (sebulu ilir), district (sebulu)].
    Landmark words ("masjid", "pasar", "simpang") that occur in the official names
    (`name_words`) are kept as name words.
    """
    raw = _TOKEN.findall(_REDUP.sub(r"\1 \1", fold(text)))
    toks = [t if t in _BOUNDARY else ABBREVIATIONS.get(t, t) for t in raw]
    out: list[Segment] = []
    kind, cur = "plain", []

    def flush(new_kind: str) -> None:
        nonlocal kind, cur
        if cur:
            out.append(Segment(kind, tuple(cur)))
        kind, cur = new_kind, []

    def is_word(i: int) -> bool:
        if i >= len(toks):
            return False
        t = toks[i]
        return (
            t.isalpha()
            and t not in _MARKERS
            and (t not in NOISE or t in name_words)
            and t not in NUMBERED
        )

    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if t in _BOUNDARY:
            flush("plain")
        elif t in NUMBERED and (nxt.isdigit() or nxt in {"1", "2", "3"}):
            flush("plain")
            i += 1  # skip the number
        elif t in NUMBERED:
            flush("plain")
        elif (t, nxt) in BIGRAM_NOISE:
            flush("plain")
            i += 1
        elif t in REGENCY_WORDS:
            flush("plain")
        elif t in _MARKERS and is_word(i + 1):
            flush(_MARKERS[t])
        elif t in NOISE and t not in name_words:
            # A landmark word ("dekat masjid ..."): what follows names the landmark.
            flush("landmark")
        elif t.isdigit():
            n = int(t)
            if n <= 3 and cur:  # "Kota Bangun 1"
                cur.append(str(n))
            elif cur:
                flush(kind if kind in {"village", "district"} else "plain")
        else:
            cur.append(t)
        i += 1
    flush("plain")
    return out


_MARKERS: dict[str, str] = {
    **{m: "village" for m in VILLAGE_MARKERS},
    **{m: "district" for m in DISTRICT_MARKERS},
    **{m: "street" for m in STREET_MARKERS},
    **{m: "hamlet" for m in HAMLET_MARKERS},
}
