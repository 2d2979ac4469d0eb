"""Render every maps output for a synthetic 150-stop plan; print sizes and times.

    .venv/bin/python bench/render_maps.py [--stops 150] [--vehicles 3] [--out DIR]
    .venv/bin/python bench/render_maps.py --screenshots docs   # Kukar sample → docs/*.png

Screenshots need Debian's `chromium` (headless, no network).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maps import (  # noqa: E402
    driver_map_html,
    overview_html,
    render_all,
    route_geojson,
    route_gpx,
    route_sheet_html,
)
from maps.samples import kukar_sample, synthetic  # noqa: E402


def timed(fn, *args, repeat: int = 3, **kwargs):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t)
    return out, best


def bench(stops: int, vehicles: int, out: Path) -> None:
    view = synthetic(stops, n_vehicles=vehicles)
    n_task_stops = sum(1 for r in view.plan.routes for s in r.stops if s.task)
    print(
        f"plan: {n_task_stops} task stops on {len(view.plan.routes)} vehicles, "
        f"{len(view.open_requests())} open requests on the overview"
    )
    vid = view.plan.routes[0].vehicle
    per_vehicle = sum(1 for s in view.plan.routes[0].stops if s.task)
    rows = []
    html, t = timed(overview_html, view)
    rows.append(("overview.html (inline assets)", len(html.encode()), t))
    html, t = timed(overview_html, view, assets="/static/vendor")
    rows.append(("overview.html (assets from /static/vendor)", len(html.encode()), t))
    html, t = timed(driver_map_html, view, vid)
    rows.append((f"driver map, {vid} ({per_vehicle} stops)", len(html.encode()), t))
    html, t = timed(route_sheet_html, view, vid)
    rows.append((f"route sheet, {vid}", len(html.encode()), t))
    text, t = timed(route_gpx, view, vid)
    rows.append((f"GPX, {vid}", len(text.encode()), t))
    data, t = timed(route_geojson, view, vid)
    rows.append((f"GeoJSON, {vid}", len(json.dumps(data).encode()), t))
    one = synthetic(stops, n_vehicles=1, open_requests=0)
    html, t = timed(driver_map_html, one, "mobil-1")
    rows.append((f"driver map, all {stops} stops on one vehicle", len(html.encode()), t))
    html, t = timed(route_sheet_html, one, "mobil-1")
    rows.append((f"route sheet, all {stops} stops on one vehicle", len(html.encode()), t))
    paths, t = timed(render_all, view, out, repeat=1)
    total = sum(p.stat().st_size for p in paths)
    rows.append((f"render_all → {len(paths)} files in {out}", total, t))
    print(f"{'output':52} {'size':>10} {'time':>8}")
    for name, size, secs in rows:
        print(f"{name:52} {size / 1024:8.1f} KB {secs * 1000:6.0f} ms")


def screenshots(docs: Path) -> None:
    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("chromium not found (apt-get install chromium)")
    view = kukar_sample()
    docs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pages = {
            "overview": overview_html(view),
            "driver-map": driver_map_html(view, "mobil-1"),
            "route-sheet": route_sheet_html(view, "mobil-1"),
        }
        sizes = {"overview": "1280,900", "driver-map": "420,900", "route-sheet": "1000,1300"}
        for name, html in pages.items():
            page = Path(tmp) / f"{name}.html"
            page.write_text(html, encoding="utf-8")
            png = docs / f"{name}.png"
            subprocess.run(
                [
                    chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--hide-scrollbars",
                    "--virtual-time-budget=4000",
                    f"--screenshot={png}",
                    f"--window-size={sizes[name]}",
                    page.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            print(f"{png} {png.stat().st_size / 1024:.0f} KB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stops", type=int, default=150)
    ap.add_argument("--vehicles", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--screenshots", type=Path, default=None, metavar="DIR")
    args = ap.parse_args()
    if args.screenshots:
        screenshots(args.screenshots)
        return
    if args.out:
        bench(args.stops, args.vehicles, args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            bench(args.stops, args.vehicles, Path(tmp))


if __name__ == "__main__":
    main()
