"""Jangkau service: web app, data model, auth, intake, geocoding, planning orchestration."""
