"""Folium building blocks that never reference a CDN and need no icon fonts or jQuery."""

from __future__ import annotations

from collections.abc import Sequence

import folium
from folium.elements import Element, MacroElement
from folium.template import Template

from maps.assets import AssetBlock, asset_block
from maps.common import esc, screen_bearing

CSS = """
.jk-icon{background:none;border:none}
.jk-pin{position:relative;width:26px;height:26px}
.jk-pin .n{display:block;box-sizing:border-box;width:26px;height:26px;border-radius:50%;
 background:var(--c);color:#fff;border:2px solid #fff;box-shadow:0 0 0 1px #333;
 font:bold 12px/22px Arial,Helvetica,sans-serif;text-align:center}
.jk-pin .t{position:absolute;left:27px;top:4px;white-space:nowrap;background:#fff;
 border:1px solid #555;border-radius:3px;padding:0 3px;font:bold 11px/15px Arial,sans-serif;
 color:#111}
.jk-place .n{border-radius:4px;background:#222;font-size:11px}
.jk-arrow{width:16px;height:16px;font:bold 16px/16px Arial,sans-serif;text-align:center;
 color:var(--c);text-shadow:0 0 2px #fff,0 0 2px #fff}
.jk-popup{font:13px/1.35 Arial,Helvetica,sans-serif;min-width:180px}
.jk-popup b{font-size:14px}
.jk-legend{position:absolute;z-index:1000;bottom:22px;right:10px;background:#fff;
 padding:8px 10px;border:1px solid #999;border-radius:4px;
 font:12px/1.5 Arial,Helvetica,sans-serif;max-width:260px}
.jk-legend i{display:inline-block;width:12px;height:12px;margin-right:6px;
 vertical-align:-1px;border:1px solid #333}
.jk-legend i.c{border-radius:50%}
.leaflet-container{background:#eef0f2}
"""


class Script(MacroElement):
    """Raw JavaScript run after its parent (usually the map) exists."""

    _template = Template(
        """{% macro script(this, kwargs) %}
{{ this.code }}
{% endmacro %}"""
    )

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "Script"
        self.code = code


class Bind(MacroElement):
    """bindPopup / bindTooltip with content passed as a JSON string (no jQuery)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.{{ this.method }}(
    {{ this.content|tojson }}, {{ this.options|tojson }});
{% endmacro %}"""
    )

    def __init__(self, method: str, content: str, **options: object) -> None:
        super().__init__()
        self._name = "Bind"
        self.method = method
        self.content = content
        self.options = options


def base_map(
    center: Sequence[float],
    *,
    tiles: str | None,
    attribution: str | None,
    assets: str,
    cluster: bool,
    title: str,
    height: str = "100%",
) -> tuple[folium.Map, AssetBlock]:
    m = folium.Map(
        location=list(center), tiles=None, zoom_start=10, control_scale=True, height=height
    )
    # only what we inline (or serve from the local prefix); never folium's CDN defaults
    m.options["maxZoom"] = 19  # markercluster needs it even when there are no tiles
    m.default_js = []
    m.default_css = []
    block = asset_block(assets, cluster=cluster)
    root = m.get_root()
    root.header.add_child(Element(f"<title>{esc(title)}</title>"), name="jk_title")
    root.header.add_child(Element(block.html), name="jk_assets")
    root.header.add_child(Element(f"<style>{CSS}</style>"), name="jk_css")
    if tiles:
        folium.TileLayer(
            tiles=tiles,
            attr=attribution or "Peta dasar",
            name="Peta dasar",
            control=False,
            max_zoom=19,
        ).add_to(m)
    return m, block


def pin(label: str, colour: str, time: str = "", place: bool = False) -> folium.DivIcon:
    t = f'<span class="t">{esc(time)}</span>' if time else ""
    cls = "jk-pin jk-place" if place else "jk-pin"
    return folium.DivIcon(
        html=(
            f'<div class="{cls}" style="--c:{colour}"><span class="n">{esc(label)}</span>{t}</div>'
        ),
        icon_size=(26, 26),
        icon_anchor=(13, 13),
        class_name="jk-icon",
    )


def add_route_line(
    layer: folium.map.Layer | folium.Map,
    points: list[tuple[float, float]],
    colour: str,
    weight: int = 4,
) -> None:
    if len(points) < 2:
        return
    folium.PolyLine(points, color=colour, weight=weight, opacity=0.85).add_to(layer)
    arrows = [
        [round((a[0] + b[0]) / 2, 6), round((a[1] + b[1]) / 2, 6), round(screen_bearing(a, b))]
        for a, b in zip(points, points[1:], strict=False)
        if a != b
    ]
    layer.add_child(Arrows(arrows, colour))


class Arrows(MacroElement):
    """Direction-of-travel arrows at segment midpoints, drawn by one loop (fast, small)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (g, c) {
  {{ this.data|tojson }}.forEach(function (a) {
    L.marker([a[0], a[1]], {interactive: false, keyboard: false, icon: L.divIcon({
      className: 'jk-icon', iconSize: [16, 16], iconAnchor: [8, 8],
      html: '<div class="jk-arrow" style="--c:' + c + ';transform:rotate(' + a[2] +
            'deg)">&#9650;</div>'})}).addTo(g);
  });
})({{ this._parent.get_name() }}, {{ this.colour|tojson }});
{% endmacro %}"""
    )

    def __init__(self, data: list[list[float]], colour: str) -> None:
        super().__init__()
        self._name = "Arrows"
        self.data = data
        self.colour = colour


def popup(marker: folium.Marker | folium.CircleMarker, html: str) -> None:
    marker.add_child(Bind("bindPopup", f'<div class="jk-popup">{html}</div>', maxWidth=300))


def tooltip(marker: folium.Marker | folium.CircleMarker, text: str) -> None:
    marker.add_child(Bind("bindTooltip", esc(text)))
