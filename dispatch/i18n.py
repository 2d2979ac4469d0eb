"""Bahasa Indonesia first, English second. One catalog for pages and error messages."""

from __future__ import annotations

LANGUAGES = ("id", "en")

CATALOG: dict[str, dict[str, str]] = {
    # Errors (services raise UserError(key, **params)).
    "username_invalid": {
        "id": "Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau strip.",
        "en": "Username: 3–64 characters of lower-case letters, digits, dot, underscore or dash.",
    },
    "role_invalid": {
        "id": "Peran harus salah satu dari: {roles}.",
        "en": "Role must be one of: {roles}.",
    },
    "username_taken": {
        "id": "Nama pengguna {username} sudah dipakai.",
        "en": "Username {username} is taken.",
    },
    "officer_needs_district": {
        "id": "Petugas harus punya kecamatan.",
        "en": "An officer needs a kecamatan.",
    },
    "district_unknown": {
        "id": "Kecamatan {code} tidak ada di kabupaten ini.",
        "en": "Kecamatan {code} is not in this regency.",
    },
    "password_short": {
        "id": "Kata sandi minimal 10 karakter.",
        "en": "The password needs at least 10 characters.",
    },
    "user_not_found": {
        "id": "Pengguna {username} tidak ditemukan.",
        "en": "User {username} not found.",
    },
    "cannot_disable_self": {
        "id": "Anda tidak dapat menonaktifkan akun Anda sendiri.",
        "en": "You cannot disable your own account.",
    },
    "place_key_invalid": {
        "id": "Kode tempat 2–64 karakter: huruf kecil, angka atau strip.",
        "en": "Place key: 2–64 characters of lower-case letters, digits or dashes.",
    },
    "place_kind_invalid": {
        "id": "Jenis tempat harus salah satu dari: {kinds}.",
        "en": "Place kind must be one of: {kinds}.",
    },
    "name_required": {"id": "Nama wajib diisi.", "en": "A name is required."},
    "coordinates_invalid": {
        "id": "Koordinat tidak valid (lintang −90…90, bujur −180…180).",
        "en": "Invalid coordinates (latitude −90…90, longitude −180…180).",
    },
    "place_key_taken": {
        "id": "Kode tempat {key} sudah dipakai.",
        "en": "Place key {key} is taken.",
    },
    "place_not_found": {"id": "Tempat {key} tidak ditemukan.", "en": "Place {key} not found."},
    "public_label_required": {
        "id": "Tempat rahasia wajib punya label umum (yang tampil untuk pengemudi).",
        "en": "A confidential place needs a public label (what drivers see).",
    },
    "seats_invalid": {"id": "Jumlah kursi 1–40.", "en": "Seats must be 1–40."},
    "shift_invalid": {
        "id": "Jam dinas dalam format JJ:MM, dan selesai setelah mulai.",
        "en": "Shift times as HH:MM, ending after they start.",
    },
    "skills_invalid": {
        "id": "Kemampuan kendaraan hanya: {skills}.",
        "en": "Vehicle skills can only be: {skills}.",
    },
    "vehicle_name_taken": {
        "id": "Nama kendaraan {name} sudah dipakai.",
        "en": "Vehicle name {name} is taken.",
    },
    "login_failed": {
        "id": "Nama pengguna atau kata sandi salah.",
        "en": "Wrong username or password.",
    },
    "login_throttled": {
        "id": "Terlalu banyak percobaan masuk. Coba lagi dalam {seconds} detik.",
        "en": "Too many login attempts. Try again in {seconds} seconds.",
    },
    "csrf_failed": {
        "id": "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.",
        "en": "The form expired or is not valid. Reload the page and try again.",
    },
    "not_authenticated": {"id": "Silakan masuk terlebih dahulu.", "en": "Please log in first."},
    "forbidden": {
        "id": "Peran Anda tidak boleh membuka halaman ini.",
        "en": "Your role may not open this page.",
    },
    "not_found": {"id": "Halaman tidak ditemukan.", "en": "Page not found."},
    "invalid_input": {
        "id": "Isian tidak valid: {fields}.",
        "en": "Invalid input: {fields}.",
    },
    # Page labels.
    "app_name": {"id": "Jangkau", "en": "Jangkau"},
    "tagline": {
        "id": "Layanan jemput dan pendampingan DP3A",
        "en": "DP3A pickup and outreach service",
    },
    "login": {"id": "Masuk", "en": "Log in"},
    "logout": {"id": "Keluar", "en": "Log out"},
    "username": {"id": "Nama pengguna", "en": "Username"},
    "password": {"id": "Kata sandi", "en": "Password"},
    "welcome": {"id": "Selamat datang, {name}", "en": "Welcome, {name}"},
    "users": {"id": "Pengguna", "en": "Users"},
    "vehicles": {"id": "Kendaraan", "en": "Vehicles"},
    "places": {"id": "Tempat", "en": "Places"},
    "role": {"id": "Peran", "en": "Role"},
    "full_name": {"id": "Nama lengkap", "en": "Full name"},
    "district": {"id": "Kecamatan", "en": "Kecamatan"},
    "active": {"id": "Aktif", "en": "Active"},
    "inactive": {"id": "Nonaktif", "en": "Disabled"},
    "disable": {"id": "Nonaktifkan", "en": "Disable"},
    "enable": {"id": "Aktifkan", "en": "Enable"},
    "add": {"id": "Tambah", "en": "Add"},
    "name": {"id": "Nama", "en": "Name"},
    "plate": {"id": "Nomor polisi", "en": "Plate"},
    "seats": {"id": "Kursi penumpang", "en": "Passenger seats"},
    "shift": {"id": "Jam dinas", "en": "Shift"},
    "skills": {"id": "Kemampuan", "en": "Skills"},
    "depot": {"id": "Pangkalan", "en": "Depot"},
    "kind": {"id": "Jenis", "en": "Kind"},
    "key": {"id": "Kode", "en": "Key"},
    "public_label": {"id": "Label umum", "en": "Public label"},
    "address": {"id": "Alamat", "en": "Address"},
    "confidential": {"id": "Rahasia", "en": "Confidential"},
    "latitude": {"id": "Lintang", "en": "Latitude"},
    "longitude": {"id": "Bujur", "en": "Longitude"},
    "saved": {"id": "Tersimpan.", "en": "Saved."},
    "none": {"id": "—", "en": "—"},
    "role_admin": {"id": "Admin", "en": "Admin"},
    "role_dispatcher": {"id": "Dispatcher", "en": "Dispatcher"},
    "role_officer": {"id": "Petugas", "en": "Officer"},
    "role_driver": {"id": "Pengemudi", "en": "Driver"},
    "kind_depot": {"id": "Pangkalan", "en": "Depot"},
    "kind_safe_house": {"id": "Rumah aman", "en": "Safe house"},
    "kind_hospital": {"id": "Rumah sakit", "en": "Hospital"},
    "kind_police": {"id": "Polisi", "en": "Police"},
    "kind_health": {"id": "Puskesmas", "en": "Health centre"},
    "kind_other": {"id": "Lainnya", "en": "Other"},
    "home_admin": {
        "id": "Kelola pengguna, kendaraan dan tempat.",
        "en": "Manage users, vehicles and places.",
    },
    "home_other": {
        "id": "Fitur untuk peran Anda sedang disiapkan.",
        "en": "The features for your role are on their way.",
    },
    "created_at": {"id": "Dibuat", "en": "Created"},
    "error": {"id": "Kesalahan", "en": "Error"},
}


def translate(key: str, lang: str, **params: object) -> str:
    entry = CATALOG.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["id"]
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def pick_language(cookie: str | None, accept: str | None, default: str = "id") -> str:
    """The `lang` cookie wins, then Accept-Language, then the configured default."""
    if cookie in LANGUAGES:
        return cookie
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default
