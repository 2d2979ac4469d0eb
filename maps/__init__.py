"""Jangkau's rendering library: a plan and its places in; maps, route sheets, GPX out.

Pure: imports routing's plan types, folium and segno only. Every output passes the
privacy guard (`maps.privacy`) before it is returned.
"""

from maps.assets import ENV_VAR as ASSETS_ENV_VAR
from maps.assets import AssetsNotFound, assets_dir
from maps.driver import driver_map_html
from maps.export import route_geojson, route_gpx
from maps.model import Place, PlaceKind, PlanView, StopInfo, VehicleInfo
from maps.overview import overview_html, overview_map
from maps.privacy import PrivacyError, forbidden_terms, mask_forbidden
from maps.render import render_all
from maps.sheet import route_sheet_html

__all__ = [
    "ASSETS_ENV_VAR",
    "AssetsNotFound",
    "Place",
    "PlaceKind",
    "PlanView",
    "PrivacyError",
    "StopInfo",
    "VehicleInfo",
    "assets_dir",
    "driver_map_html",
    "forbidden_terms",
    "mask_forbidden",
    "overview_html",
    "overview_map",
    "render_all",
    "route_geojson",
    "route_gpx",
    "route_sheet_html",
]
