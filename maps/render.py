"""Write every output of a plan into a directory."""

from __future__ import annotations

import json
import re
from pathlib import Path

from maps.driver import driver_map_html
from maps.export import route_geojson, route_gpx
from maps.model import PlanView
from maps.overview import overview_html
from maps.sheet import route_sheet_html


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return s or "vehicle"


def render_all(
    view: PlanView,
    out_dir: str | Path,
    *,
    tiles: str | None = None,
    attribution: str | None = None,
    assets: str = "inline",
) -> list[Path]:
    """Write overview.html and, per vehicle with a route, `<vehicle>-map.html`,
    `<vehicle>-sheet.html`, `<vehicle>.gpx` and `<vehicle>.geojson`.

    Everything is rendered (and passes the privacy guard) before anything is written.
    `assets` applies to the overview only; driver maps are always fully inline.
    """
    files: dict[str, str] = {
        "overview.html": overview_html(view, tiles=tiles, attribution=attribution, assets=assets)
    }
    for route in view.plan.routes:
        name = slug(route.vehicle)
        files[f"{name}-map.html"] = driver_map_html(
            view, route.vehicle, tiles=tiles, attribution=attribution
        )
        files[f"{name}-sheet.html"] = route_sheet_html(view, route.vehicle)
        files[f"{name}.gpx"] = route_gpx(view, route.vehicle)
        files[f"{name}.geojson"] = json.dumps(
            route_geojson(view, route.vehicle), ensure_ascii=False, indent=1
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fname, text in files.items():
        p = out / fname
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths
