"""Front-end libraries (Leaflet, Leaflet.markercluster) installed from npm at install time.

They live in `<repo>/node_modules` (`npm ci`, run by `make install`); the environment
variable `JANGKAU_ASSETS_DIR` points elsewhere (a directory laid out like node_modules).
Nothing is copied into the repository: the files are read and inlined when rendering, or
referenced under a URL prefix that the web service maps onto the same layout
(`<prefix>/leaflet/dist/leaflet.js`).
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENV_VAR = "JANGKAU_ASSETS_DIR"

LEAFLET_JS = "leaflet/dist/leaflet.js"
LEAFLET_CSS = "leaflet/dist/leaflet.css"
CLUSTER_JS = "leaflet.markercluster/dist/leaflet.markercluster.js"
CLUSTER_CSS = (
    "leaflet.markercluster/dist/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css",
)


class AssetsNotFound(FileNotFoundError):
    pass


def assets_dir() -> Path:
    """Where the npm packages are: $JANGKAU_ASSETS_DIR, else <repo>/node_modules."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "node_modules"


@lru_cache(maxsize=32)
def _read(root: str, rel: str) -> str:
    path = Path(root) / rel
    if not path.is_file():
        raise AssetsNotFound(
            f"{path} is missing: run `npm ci` (part of `make install`) or set {ENV_VAR}"
        )
    text = path.read_text(encoding="utf-8")
    if rel == LEAFLET_CSS:
        text = _inline_images(path.parent, text)
    # drop source-map comments: they point at files that would not be there
    return re.sub(r"/[/*]# sourceMappingURL=\S+", "", text)


def _inline_images(base: Path, css: str) -> str:
    def repl(m: re.Match[str]) -> str:
        img = base / m.group(1)
        if not img.is_file():
            return m.group(0)
        data = base64.b64encode(img.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", repl, css)


def read_asset(rel: str) -> str:
    return _read(str(assets_dir()), rel)


@dataclass(frozen=True)
class AssetBlock:
    """HTML for the <head>: either inline <style>/<script>, or links under a prefix."""

    html: str
    vendor: tuple[str, ...]  # verbatim vendor texts (trusted by the privacy guard)


def asset_block(mode: str = "inline", cluster: bool = False) -> AssetBlock:
    """`mode` is "inline" or a URL prefix such as "/static/vendor"."""
    css = [LEAFLET_CSS] + (list(CLUSTER_CSS) if cluster else [])
    js = [LEAFLET_JS] + ([CLUSTER_JS] if cluster else [])
    if mode == "inline":
        css_t = [read_asset(c) for c in css]
        js_t = [read_asset(j).replace("</script", "<\\/script") for j in js]
        parts = [f"<style>{t}</style>" for t in css_t] + [f"<script>{t}</script>" for t in js_t]
        return AssetBlock("\n".join(parts), tuple(css_t + js_t))
    prefix = mode.rstrip("/")
    parts = [f'<link rel="stylesheet" href="{prefix}/{c}">' for c in css]
    parts += [f'<script src="{prefix}/{j}"></script>' for j in js]
    return AssetBlock("\n".join(parts), ())
