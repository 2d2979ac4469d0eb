"""Geocoding benchmark: top-1 accuracy and time per `resolve` call on messy village names.

    .venv/bin/python bench/geocode.py [--seed N] [--show-failures]

Cases come from bench/geocode_cases.py (generated from the registry's village list with a
seeded RNG). Top-1: the first candidate `resolve` returns has the expected code. For
names several villages share given WITHOUT a kecamatan (category shared_nohint), the text
cannot tell them apart: such a case counts as correct when the expected village is among
the candidates tied at the best score; strict top-1 is printed next to it and the overall
figure is given both ways. "clear" is the share of cases the intake would take without
asking (best village >= 85 and >= 5 ahead of the next village); "clear&wrong" counts those
where that village is not the expected one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from geocode_cases import generate  # noqa: E402

from dispatch.geocoding import Geocoder, registry  # noqa: E402


def build() -> Geocoder:
    """The service's geocoder from config.yaml (kecamatan points, bbox), if it loads."""
    try:
        from dispatch.config import load_settings

        settings = load_settings(env={"JANGKAU_SECRET_KEY": "b" * 40})
        return Geocoder.from_settings(settings)
    except Exception as exc:  # the benchmark measures the matcher, not the config
        print(f"(config not loaded: {exc}; using the registry without points)")
        return Geocoder("64.02")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--region", default="64.02")
    ap.add_argument("--show-failures", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="timing passes over all cases")
    args = ap.parse_args()

    geocoder = build() if args.region == "64.02" else Geocoder(args.region)
    villages = registry.villages(args.region)
    districts = registry.districts(args.region)
    cases = generate(villages, districts, args.seed)

    geocoder.resolve("warm up")
    ok: dict[str, int] = defaultdict(int)
    strict: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    times: list[float] = []
    failures = []
    clear: dict[str, int] = defaultdict(int)
    clear_wrong: dict[str, int] = defaultdict(int)
    for cat, text, hint, code, accept in cases:
        t0 = time.perf_counter()
        cands = geocoder.resolve(text, hint)
        times.append(time.perf_counter() - t0)
        total[cat] += 1
        # The intake's rule for taking a typed name without asking: a village candidate
        # scoring at least 85 and at least 5 ahead of the next village.
        vill = [c for c in cands if c.level == "village"]
        if vill and vill[0].score >= 85 and (len(vill) == 1 or vill[0].score - vill[1].score >= 5):
            clear[cat] += 1
            clear_wrong[cat] += vill[0].code != code
        top = cands[0] if cands else None
        if top is not None and top.code == code:
            strict[cat] += 1
        if cat == "shared_nohint":
            best = top.score if top else None
            tied = {c.code for c in cands if c.score == best}
            good = code in tied and tied <= accept | {c.code for c in cands if c.level != "village"}
        else:
            good = top is not None and top.code == code
        if good:
            ok[cat] += 1
        else:
            failures.append((cat, text, hint, code, [(c.code, c.name, c.score) for c in cands[:3]]))
    for _ in range(args.repeat - 1):
        for _cat, text, hint, _code, _acc in cases:
            t0 = time.perf_counter()
            geocoder.resolve(text, hint)
            times.append(time.perf_counter() - t0)

    n = sum(total.values())
    print(f"geocoding benchmark: {n} cases, seed {args.seed}, region {args.region}")
    print(f"{'category':<15}{'cases':>7}{'top-1':>9}{'strict':>9}{'clear':>9}{'clear&wrong':>13}")
    for cat in total:
        print(
            f"{cat:<15}{total[cat]:>7}{100 * ok[cat] / total[cat]:>8.1f}%"
            f"{100 * strict[cat] / total[cat]:>8.1f}%{100 * clear[cat] / total[cat]:>8.1f}%"
            f"{clear_wrong[cat]:>13}"
        )
    all_ok = sum(ok.values())
    all_strict = sum(strict.values())
    print(f"{'overall':<15}{n:>7}{100 * all_ok / n:>8.1f}%{100 * all_strict / n:>8.1f}%")
    hard = n - total["shared_nohint"]
    hard_ok = all_ok - ok["shared_nohint"]
    print(f"overall without shared_nohint: {100 * hard_ok / hard:.1f}% of {hard} cases")
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(
        f"time per resolve call: mean {statistics.mean(ms):.3f} ms, median "
        f"{statistics.median(ms):.3f} ms, p95 {p95:.3f} ms, max {ms[-1]:.3f} ms "
        f"({len(ms)} calls)"
    )
    if args.show_failures:
        for f in failures:
            print("FAIL", f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
