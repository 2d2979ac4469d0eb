"""Messy village names for the geocoding benchmark, generated from the registry's list.

Every case is (category, text, district hint or None, expected village code, accepted
codes). Generated with a seeded RNG from the village names alone (no matcher output is
used to choose or filter cases). Categories:

- typo: one edit (names of up to 7 letters) or two edits (longer) of the official name:
  substitution by a neighbouring key, deletion, insertion, transposition. A typo that
  lands exactly on another place's name is drawn again (that input would be a different
  place, not a typo).
- abbreviation: "Ds."/"Desa"/"Kel."/"Kelurahan" prefixes and the usual short forms
  (Sungai->Sei/Sg., Tanjung->Tj./Tg., Kampung->Kp., Muara->Ma./Mra., Teluk->Tlk.,
  Bukit->Bkt., Handil->Hdl., Pulau->P., Ulu->Hulu, Ilir->Hilir), random case.
- address: free text with street, RT/RW, house number, landmark, the village with or
  without a marker, and sometimes the kecamatan and regency.
- address_typo: the same kind of address text with one edit in the village name.
- joined: multi-word names written joined ("Loakulukota") or hyphenated ("Loa-Kulu-Kota").
- shared_hint: names several villages share, with the kecamatan given (in the text, or as
  the `district` argument by code or by name).
- shared_nohint: the same names alone. The right answer is not knowable from the text: a
  case counts as correct when the expected village is among the candidates tied at the
  best score (all villages of that name), and the benchmark reports strict top-1 too.
"""

from __future__ import annotations

import random
from collections import defaultdict

KEYBOARD = {
    "a": "qswz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}  # fmt: skip

ABBREV = {
    "Sungai": ["Sei", "Sei.", "Sg.", "Sungai"],
    "Tanjung": ["Tj.", "Tg.", "Tj", "Tanjung"],
    "Kampung": ["Kp.", "Kp", "Kampung"],
    "Muara": ["Ma.", "Mra.", "Muara"],
    "Teluk": ["Tlk.", "Teluk"],
    "Bukit": ["Bkt.", "Bukit"],
    "Handil": ["Hdl.", "Handil"],
    "Pulau": ["P.", "Pulau"],
    "Ulu": ["Hulu", "Ulu"],
    "Ilir": ["Hilir", "Ilir"],
}
STREETS = [
    "Poros", "Jend. Sudirman", "Ahmad Yani", "Gajah Mada", "Diponegoro", "Pahlawan",
    "Mulawarman", "Pesut", "Kartini", "Imam Bonjol", "Pattimura", "Cendana", "Melati",
    "Anggrek", "Flamboyan", "Padat Karya", "Wolter Monginsidi", "Hasanuddin", "Rambutan",
    "Trans", "Poros Samarinda", "Usaha Tani", "Swadaya",
]  # fmt: skip
LANDMARKS = [
    "dekat masjid Al Ikhlas",
    "depan SD 012",
    "samping pustu",
    "belakang pasar",
    "dekat posyandu Mawar",
    "sebelah warung Bu Ani",
    "dekat gereja",
    "depan balai desa",
]


def _case(rng: random.Random, s: str) -> str:
    r = rng.random()
    if r < 0.25:
        return s.lower()
    if r < 0.35:
        return s.upper()
    return s


def typo(rng: random.Random, name: str, edits: int) -> str:
    chars = list(name)
    for _ in range(edits):
        letters = [i for i, c in enumerate(chars) if c.isalpha()]
        if not letters:
            break
        i = rng.choice(letters)
        op = rng.choice(["sub", "del", "ins", "swap"])
        c = chars[i].lower()
        if op == "sub":
            chars[i] = rng.choice(KEYBOARD.get(c, "aeiou"))
        elif op == "del" and len(letters) > 3:
            del chars[i]
        elif op == "ins":
            chars.insert(i, rng.choice(KEYBOARD.get(c, "aeiou")))
        elif i + 1 < len(chars) and chars[i + 1].isalpha():
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = rng.choice(KEYBOARD.get(c, "aeiou"))
    return "".join(chars)


def _squash(s: str) -> str:
    return "".join(ch for ch in s.lower() if ch.isalnum())


def generate(
    villages: dict[str, str], districts: dict[str, str], seed: int = 20261128
) -> list[tuple[str, str, str | None, str, frozenset[str]]]:
    rng = random.Random(seed)
    by_name: dict[str, list[str]] = defaultdict(list)
    for code, name in villages.items():
        by_name[name.lower()].append(code)
    taken = {_squash(n) for n in list(villages.values()) + list(districts.values())}
    cases: list[tuple[str, str, str | None, str, frozenset[str]]] = []

    def add(cat: str, text: str, hint: str | None, code: str, accept: frozenset[str] | None = None):
        cases.append((cat, text, hint, code, accept or frozenset({code})))

    for code, name in sorted(villages.items()):
        dname = districts[code[:8]]
        shared = len(by_name[name.lower()]) > 1
        # typo (with the kecamatan for shared names, else the typo is not the only issue)
        letters = sum(c.isalpha() for c in name)
        for _ in range(50):
            t = typo(rng, name, 1 if letters <= 7 else 2)
            if _squash(t) != _squash(name) and _squash(t) not in taken:
                break
        add("typo", _case(rng, t) + (f", Kec. {dname}" if shared else ""), None, code)
        # abbreviation
        words = [rng.choice(ABBREV[w]) if w in ABBREV else w for w in name.split()]
        kelurahan = code[9] == "1"
        prefix = rng.choice(["Kel.", "Kelurahan", "Kel"] if kelurahan else ["Ds.", "Desa", "Ds"])
        text = f"{prefix} {' '.join(words)}"
        if shared:
            text += f" Kec. {dname}"
        add("abbreviation", _case(rng, text), None, code)
        # address text
        street = rng.choice(STREETS)
        rt, rw, no = rng.randint(1, 40), rng.randint(1, 12), rng.randint(1, 120)
        marker = (
            rng.choice(["Ds.", "Desa", "Kel.", ""])
            if code[9] == "2"
            else rng.choice(["Kel.", "Kelurahan", ""])
        )
        vill = f"{marker} {name}".strip()
        kec = f"Kec. {dname}" if (shared or rng.random() < 0.6) else ""
        templates = [
            f"Jl. {street} RT {rt:02d} RW {rw:02d} {vill} {kec}",
            f"Jl. {street} No. {no}, RT.{rt:03d}/RW.{rw:03d}, {vill}, {kec}, "
            "Kab. Kutai Kartanegara",
            f"{vill} RT {rt} {rng.choice(LANDMARKS)} {kec}",
            f"Gg. {rng.choice(STREETS)} no {no} rt {rt}, {vill}, {kec} Kukar",
            f"rumah pak Budi, RT {rt:02d}, {vill}, {kec}, Kaltim",
        ]
        add("address", " ".join(rng.choice(templates).split()).strip(" ,"), None, code)
        for _ in range(50):
            t = typo(rng, name, 1)
            if _squash(t) != _squash(name) and _squash(t) not in taken:
                break
        vill = f"{marker} {t}".strip()
        templates = [
            f"Jl. {rng.choice(STREETS)} RT {rt:02d} {vill} {kec}",
            f"{vill}, RT {rt}/RW {rw}, {kec}",
            f"{vill} {rng.choice(LANDMARKS)}, {kec}",
        ]
        add("address_typo", " ".join(rng.choice(templates).split()).strip(" ,"), None, code)
        # joined / hyphenated
        if " " in name or "-" in name:
            parts = name.replace("-", " ").split()
            sep = rng.choice(["", "-", ""])
            text = sep.join(parts)
            if shared:
                text += f" kec {dname}"
            add("joined", _case(rng, text), None, code)
    # shared names
    for _name, codes in sorted(by_name.items()):
        if len(codes) < 2:
            continue
        official = villages[codes[0]]
        for code in sorted(codes):
            dname = districts[code[:8]]
            add("shared_hint", f"{official}, Kec. {dname}", None, code)
            add("shared_hint", f"Desa {official} {dname}", None, code)
            add("shared_hint", official, code[:8], code)
            add("shared_hint", _case(rng, official), dname, code)
            add("shared_nohint", official, None, code, frozenset(codes))
            add("shared_nohint", f"Ds. {_case(rng, official)}", None, code, frozenset(codes))
    return cases
