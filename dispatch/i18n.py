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
    "cannot_change_own_role": {
        "id": "Anda tidak dapat mengubah peran akun Anda sendiri.",
        "en": "You cannot change your own role.",
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
    # `key` is the message key itself, so a place's key travels as `place_key`.
    "place_key_exists": {
        "id": "Kode tempat {place_key} sudah dipakai. Pilih kode lain.",
        "en": "Place key {place_key} is already taken. Choose another key.",
    },
    "place_unknown": {
        "id": "Tempat {place_key} tidak ditemukan.",
        "en": "Place {place_key} not found.",
    },
    "place_outside_region": {
        "id": "Koordinat {lat}, {lon} berada di luar {region} (lintang {south}…{north}, "
        "bujur {west}…{east}). Periksa lagi koordinatnya.",
        "en": "Coordinates {lat}, {lon} are outside {region} (latitude {south}…{north}, "
        "longitude {west}…{east}). Check them.",
    },
    "depot_not_depot": {
        "id": "Tempat {place_key} bukan pangkalan. Pangkalan kendaraan harus tempat berjenis "
        "pangkalan (depot).",
        "en": "Place {place_key} is not a depot. A vehicle's depot must be a place of kind depot.",
    },
    "public_label_required": {
        "id": "Tempat rahasia wajib punya label umum (yang tampil untuk pengemudi).",
        "en": "A confidential place needs a public label (what drivers see).",
    },
    "public_label_forbidden": {
        "id": "Label umum tidak boleh memuat kata: {words}. Pakai label netral.",
        "en": "The public label may not contain: {words}. Use a neutral label.",
    },
    "public_label_names_place": {
        "id": "Label umum tempat rahasia tidak boleh memuat namanya. Pakai label netral.",
        "en": "A confidential place's public label may not contain its name. Use a neutral label.",
    },
    "safe_house_confidential": {
        "id": "Rumah aman selalu rahasia: alamatnya tidak dicetak dan namanya tidak ditampilkan.",
        "en": "A safe house is always confidential: its address is not printed, its name "
        "not shown.",
    },
    "place_depot_in_use": {
        "id": "Tempat {place_key} masih menjadi pangkalan kendaraan aktif: {vehicles}. "
        "Pindahkan atau nonaktifkan kendaraan itu dulu.",
        "en": "Place {place_key} is still the depot of active vehicles: {vehicles}. "
        "Move or disable those vehicles first.",
    },
    "place_last_of_kind": {
        "id": "Tempat {place_key} adalah satu-satunya tempat aktif berjenis ini: permintaan baru "
        "tidak akan punya tujuan. Tambahkan atau aktifkan tempat lain dulu.",
        "en": "Place {place_key} is the only active place of its kind: new requests would have "
        "nowhere to go. Add or enable another one first.",
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
    "vehicle_plate_taken": {
        "id": "Nomor polisi {plate} sudah terdaftar pada kendaraan lain.",
        "en": "Plate {plate} is already registered to another vehicle.",
    },
    "vehicle_unknown": {
        "id": "Kendaraan {vehicle} tidak ditemukan.",
        "en": "Vehicle {vehicle} not found.",
    },
    "depot_inactive": {
        "id": "Pangkalan {place_key} nonaktif. Pilih pangkalan yang aktif, atau aktifkan lagi "
        "pangkalan itu.",
        "en": "Depot {place_key} is disabled. Choose an active depot, or enable that one again.",
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
    # What follows "Isian tidak valid:", said of a field's label (dispatch/validation.py).
    "val_body": {"id": "Isi kiriman", "en": "Request body"},
    "val_missing": {"id": "wajib diisi", "en": "is required"},
    "val_int": {"id": "harus bilangan bulat (mis. 2)", "en": "must be a whole number (e.g. 2)"},
    "val_number": {"id": "harus berupa angka", "en": "must be a number"},
    "val_bool": {"id": "harus ya atau tidak", "en": "must be yes or no"},
    "val_text": {"id": "harus berupa teks", "en": "must be text"},
    "val_too_long": {"id": "paling banyak {n} karakter", "en": "takes at most {n} characters"},
    "val_too_short": {"id": "paling sedikit {n} karakter", "en": "needs at least {n} characters"},
    "val_items_too_long": {"id": "paling banyak {n} isian", "en": "takes at most {n} items"},
    "val_items_too_short": {"id": "paling sedikit {n} isian", "en": "needs at least {n} items"},
    "val_ge": {"id": "paling kecil {n}", "en": "must be at least {n}"},
    "val_gt": {"id": "harus lebih dari {n}", "en": "must be more than {n}"},
    "val_le": {"id": "paling besar {n}", "en": "must be at most {n}"},
    "val_lt": {"id": "harus kurang dari {n}", "en": "must be less than {n}"},
    "val_pattern": {"id": "formatnya tidak sesuai", "en": "is not in the expected format"},
    "val_time": {
        "id": "ditulis sebagai jam JJ:MM, mis. 08:30",
        "en": "must be a time as HH:MM, e.g. 08:30",
    },
    "val_date": {
        "id": "bukan tanggal yang valid (tulis TTTT-BB-HH, mis. 2026-11-28)",
        "en": "is not a valid date (write YYYY-MM-DD, e.g. 2026-11-28)",
    },
    "val_choice": {"id": "harus salah satu dari: {n}", "en": "must be one of: {n}"},
    "val_json": {"id": "bukan JSON yang valid", "en": "is not valid JSON"},
    "val_object": {
        "id": "harus berupa objek JSON (nama dan nilai)",
        "en": "must be a JSON object (names and values)",
    },
    "val_list": {"id": "harus berupa daftar", "en": "must be a list"},
    "val_extra": {"id": "tidak dikenal", "en": "is not a known field"},
    "val_invalid": {"id": "tidak valid", "en": "is not valid"},
    "passengers_required": {
        "id": "Angkutan perlu paling sedikit satu penumpang (dewasa atau anak).",
        "en": "A transport needs at least one passenger (adult or child).",
    },
    "date_too_far": {
        "id": "Tanggal {date} terlalu jauh ke depan. Pilih tanggal paling lambat {latest} "
        "(satu tahun dari hari ini).",
        "en": "{date} is too far ahead. Choose a date no later than {latest} "
        "(one year from today).",
    },
    "invalid_characters": {
        "id": "Isian mengandung karakter kosong (NUL) yang tidak bisa disimpan. "
        "Hapus lalu kirim lagi.",
        "en": "The input holds an empty (NUL) character that cannot be stored. "
        "Remove it and send again.",
    },
    "phone_required": {
        "id": "Nomor telepon kontak wajib diisi.",
        "en": "A contact phone number is required.",
    },
    "phone_invalid": {
        "id": "Nomor telepon {phone} tidak valid. Tulis seperti 0812 3456 7890 atau +62812….",
        "en": "Phone number {phone} is not valid. Write it like 0812 3456 7890 or +62812….",
    },
    "village_ambiguous": {
        "id": 'Beberapa desa/kelurahan cocok dengan "{code}". Pilih yang benar, dengan '
        "kecamatannya, dari saran.",
        "en": 'Several villages fit "{code}". Pick the right one, with its kecamatan, from the '
        "suggestions.",
    },
    "village_unknown": {
        "id": 'Desa/kelurahan "{code}" tidak dikenal. Pilih dari daftar atau dari saran.',
        "en": 'Village "{code}" is not known. Pick it from the list or the suggestions.',
    },
    "village_required": {
        "id": "Pilih desa/kelurahan atau isi lokasi.",
        "en": "Choose a village or give a location.",
    },
    "location_unreadable": {
        "id": "Lokasi tidak terbaca. Tempel koordinat (mis. -0.41, 116.99), tautan Google Maps "
        "atau OpenStreetMap, atau Plus Code. Tautan pendek maps.app.goo.gl tidak bisa "
        "dibaca tanpa internet: buka dulu lalu salin koordinatnya.",
        "en": "The location cannot be read. Paste coordinates (e.g. -0.41, 116.99), a Google "
        "Maps or OpenStreetMap link, or a Plus Code. Short maps.app.goo.gl links cannot "
        "be read offline: open one and copy its coordinates.",
    },
    "location_outside": {
        "id": "Koordinat {lat}, {lon} berada di luar {region}. Periksa lagi, atau centang "
        '"tetap kirim" bila memang benar.',
        "en": 'Coordinates {lat}, {lon} are outside {region}. Check them, or tick "send '
        'anyway" if they are right.',
    },
    "destination_invalid": {
        "id": "Tujuan harus tempat aktif berjenis {kind}.",
        "en": "The destination must be an active place of kind {kind}.",
    },
    "destination_missing": {
        "id": "Belum ada tempat berjenis {kind}; minta admin menambahkannya.",
        "en": "There is no place of kind {kind} yet; ask the admin to add one.",
    },
    "date_required": {
        "id": "Permintaan terjadwal perlu tanggal.",
        "en": "A scheduled request needs a date.",
    },
    "idempotency_key_invalid": {
        "id": "Idempotency-Key harus 8–200 karakter ASCII yang terlihat.",
        "en": "Idempotency-Key must be 8–200 visible ASCII characters.",
    },
    "idempotency_key_race": {
        "id": "Kiriman dengan Idempotency-Key ini belum selesai. Kirim ulang sebentar lagi.",
        "en": "A submission with this Idempotency-Key is still under way. Send it again shortly.",
    },
    "request_not_found": {
        "id": "Permintaan {reference} tidak ditemukan.",
        "en": "Request {reference} not found.",
    },
    "request_changed": {
        "id": "Permintaan {reference} baru saja diubah orang lain. Muat ulang untuk melihat "
        "perubahannya, lalu ulangi.",
        "en": "Request {reference} was just changed by someone else. Reload to see the "
        "change, then try again.",
    },
    "transition_invalid": {
        "id": "Status tidak bisa berubah dari {frm} ke {to}.",
        "en": "The status cannot change from {frm} to {to}.",
    },
    "officer_may_only_cancel": {
        "id": "Petugas hanya dapat membatalkan permintaan yang belum direncanakan.",
        "en": "Officers can only cancel requests that are not yet planned.",
    },
    "window_invalid": {
        "id": "Jam selesai harus setelah jam mulai.",
        "en": "The window must end after it starts.",
    },
    "date_past": {
        "id": "Tanggal {date} sudah lewat. Pilih hari ini atau tanggal berikutnya.",
        "en": "{date} has passed. Choose today or a later date.",
    },
    "request_closed": {
        "id": "Permintaan {reference} sudah ditutup ({state}) dan tidak dapat diubah lagi.",
        "en": "Request {reference} is closed ({state}) and can no longer be changed.",
    },
    "duplicate_invalid": {
        "id": "Nomor referensi duplikat tidak ditemukan.",
        "en": "The duplicate's reference was not found.",
    },
    "rate_limited": {
        "id": "Terlalu banyak kiriman. Coba lagi sebentar lagi, atau telepon SAPA 129.",
        "en": "Too many submissions. Try again shortly, or call SAPA 129.",
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
    "edit": {"id": "Ubah", "en": "Edit"},
    "back_to_list": {"id": "Kembali ke daftar", "en": "Back to the list"},
    "new_password": {
        "id": "Kata sandi baru (kosongkan bila tidak diganti)",
        "en": "New password (leave empty to keep it)",
    },
    "user_edit_note": {
        "id": "Peran, kecamatan atau kata sandi yang diganti mengakhiri sesi dan token pengguna "
        "ini: ia perlu masuk lagi.",
        "en": "A new role, kecamatan or password ends this user's sessions and tokens: they "
        "log in again.",
    },
    "add": {"id": "Tambah", "en": "Add"},
    "name": {"id": "Nama", "en": "Name"},
    "plate": {"id": "Nomor polisi", "en": "Plate"},
    "seats": {"id": "Kursi penumpang", "en": "Passenger seats"},
    "shift": {"id": "Jam dinas", "en": "Shift"},
    "skills": {"id": "Kemampuan", "en": "Skills"},
    "skill_wheelchair": {"id": "Muat kursi roda", "en": "Takes a wheelchair"},
    "skill_infant_seat": {"id": "Kursi bayi", "en": "Infant seat"},
    "skill_female_staff": {"id": "Ada petugas perempuan", "en": "Female staff on board"},
    "shift_start": {"id": "Jam dinas mulai", "en": "Shift starts"},
    "shift_end": {"id": "Jam dinas selesai", "en": "Shift ends"},
    "vehicle_disable_note": {
        "id": "Kendaraan nonaktif tidak ikut rencana berikutnya; rute yang sudah diterbitkan "
        "tetap berlaku.",
        "en": "A disabled vehicle is left out of the next plans; routes already published "
        "stay as they are.",
    },
    "depot": {"id": "Pangkalan", "en": "Depot"},
    "kind": {"id": "Jenis", "en": "Kind"},
    "key": {"id": "Kode", "en": "Key"},
    "public_label": {"id": "Label umum", "en": "Public label"},
    "address": {"id": "Alamat", "en": "Address"},
    "confidential": {"id": "Rahasia", "en": "Confidential"},
    "place_edit_note": {
        "id": "Kode dan jenis tempat tetap. Tempat nonaktif tidak dipilih lagi untuk permintaan "
        "baru; permintaan dan rute yang sudah ada tetap ke sana. Tempat tidak pernah dihapus.",
        "en": "A place's key and kind stay. A disabled place is not chosen for new requests; "
        "requests and routes already going there keep it. Places are never deleted.",
    },
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
    "home_dispatcher": {
        "id": "Periksa permintaan yang masuk, rencanakan rute hari ini, terbitkan, lalu ikuti "
        "perjalanan mobil.",
        "en": "Triage incoming requests, plan today's routes, publish them, then follow the cars.",
    },
    "home_officer": {
        "id": "Kirim permintaan penjemputan atau pendampingan, lalu ikuti statusnya.",
        "en": "Submit a pickup or assistance request, then follow its status.",
    },
    "home_driver": {
        "id": "Rute Anda dikirim oleh dispatcher sebagai tautan, lewat kode QR atau WhatsApp. "
        "Buka tautan itu di ponsel: tidak perlu masuk (login) di sini. Tautan berlaku sampai "
        "akhir shift hari itu; jika rute diubah, halaman rute membuka versi terbarunya.",
        "en": "The dispatcher sends your route as a link, by QR code or WhatsApp. Open that "
        "link on your phone: no need to log in here. The link lasts until the end of that "
        "day's shift; when the route changes, the route page opens its newest version.",
    },
    "home_driver_none": {
        "id": "Belum menerima tautan rute hari ini? Hubungi dispatcher di kantor.",
        "en": "No route link for today yet? Call the dispatcher at the office.",
    },
    "home_driver_routes": {
        "id": "Rute Anda hari ini dan besok",
        "en": "Your routes today and tomorrow",
    },
    "home_driver_route": {
        "id": "{vehicle} · {n} perhentian · berangkat {start} · versi {version}",
        "en": "{vehicle} · {n} stops · leaves at {start} · version {version}",
    },
    "day_today": {"id": "Hari ini", "en": "Today"},
    "day_tomorrow": {"id": "Besok", "en": "Tomorrow"},
    "created_at": {"id": "Dibuat", "en": "Created"},
    "error": {"id": "Kesalahan", "en": "Error"},
}


def translate(key: str, lang: str, /, **params: object) -> str:
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


CATALOG.update(
    {
        "requests": {"id": "Permintaan", "en": "Requests"},
        "new_request": {"id": "Permintaan baru", "en": "New request"},
        "kind_label": {"id": "Jenis layanan", "en": "Service"},
        "req_safe_house": {"id": "Jemput ke tempat aman", "en": "Pickup to the safe place"},
        "req_medical": {"id": "Antar visum (RSUD)", "en": "Escort for medical examination"},
        "req_police": {"id": "Antar lapor polisi", "en": "Escort to report to the police"},
        "req_visit": {"id": "Kunjungan pendampingan", "en": "Assistance home visit"},
        "req_return_home": {"id": "Antar pulang", "en": "Return home"},
        "urgency": {"id": "Tingkat urgensi", "en": "Urgency"},
        "urg_darurat": {"id": "Darurat (hari ini)", "en": "Emergency (today)"},
        "urg_segera": {"id": "Segera (1–2 hari)", "en": "Urgent (a day or two)"},
        "urg_terjadwal": {"id": "Terjadwal", "en": "Scheduled"},
        "village": {"id": "Desa/kelurahan", "en": "Village"},
        "village_hint": {
            "id": "Ketik nama desa untuk mencari",
            "en": "Type a village name to search",
        },
        "landmark": {"id": "Patokan", "en": "Landmark"},
        "location": {"id": "Lokasi (GPS/tautan peta)", "en": "Location (GPS/map link)"},
        "use_my_location": {"id": "Pakai lokasi saya", "en": "Use my location"},
        "send_anyway": {
            "id": "Tetap kirim walau di luar kabupaten",
            "en": "Send anyway, though outside the regency",
        },
        "adults": {"id": "Dewasa", "en": "Adults"},
        "children": {"id": "Anak", "en": "Children"},
        "needs": {"id": "Kebutuhan", "en": "Needs"},
        "need_wheelchair": {"id": "Kursi roda", "en": "Wheelchair"},
        "need_infant": {"id": "Bayi (kursi bayi)", "en": "Infant (infant seat)"},
        "need_female": {"id": "Perlu petugas perempuan", "en": "Female staff required"},
        "date": {"id": "Tanggal", "en": "Date"},
        "from": {"id": "Dari jam", "en": "From"},
        "until": {"id": "Sampai jam", "en": "Until"},
        "onsite": {"id": "Lama di lokasi (menit)", "en": "Minutes on site"},
        "contact_phone": {"id": "Telepon kontak", "en": "Contact phone"},
        "survivor_name": {"id": "Nama (opsional, rahasia)", "en": "Name (optional, confidential)"},
        "notes": {"id": "Catatan rahasia", "en": "Confidential notes"},
        "submit": {"id": "Kirim", "en": "Send"},
        "status": {"id": "Status", "en": "Status"},
        "reference": {"id": "Nomor referensi", "en": "Reference"},
        "st_new": {"id": "Baru", "en": "New"},
        "st_triaged": {"id": "Diperiksa", "en": "Triaged"},
        "st_planned": {"id": "Direncanakan", "en": "Planned"},
        "st_dispatched": {"id": "Dalam perjalanan", "en": "Dispatched"},
        "st_arrived": {"id": "Tiba", "en": "Arrived"},
        "st_done": {"id": "Selesai", "en": "Done"},
        "st_failed": {"id": "Gagal", "en": "Failed"},
        "st_cancelled": {"id": "Dibatalkan", "en": "Cancelled"},
        "all": {"id": "Semua", "en": "All"},
        "st_open": {"id": "Terbuka", "en": "Open"},  # requests not yet closed (a filter)
        "open": {"id": "Buka", "en": "Open"},  # a button: open the day, the month
        "filter": {"id": "Saring", "en": "Filter"},
        "duplicate": {"id": "Kemungkinan duplikat dari", "en": "Likely duplicate of"},
        "duplicate_confirmed_of": {
            "id": "Duplikat (tidak direncanakan) dari",
            "en": "Duplicate (not planned) of",
        },
        "duplicate_of_label": {"id": "Duplikat dari", "en": "Duplicate of"},
        "duplicate_decision": {"id": "Keputusan duplikat", "en": "Duplicate decision"},
        "dup_likely": {
            "id": "Mungkin duplikat: tetap direncanakan",
            "en": "Maybe a duplicate: plan it anyway",
        },
        "dup_confirmed": {
            "id": "Duplikat: jangan direncanakan",
            "en": "Duplicate: do not plan it",
        },
        "dup_not": {"id": "Bukan duplikat", "en": "Not a duplicate"},
        "unverified": {"id": "Belum diverifikasi (telepon balik)", "en": "Unverified (call back)"},
        "verified_label": {"id": "Verifikasi", "en": "Verification"},
        "verify_check": {
            "id": "Sudah ditelepon balik / terverifikasi",
            "en": "Called back / verified",
        },
        "village_unset": {"id": "— belum dipilih —", "en": "— not chosen —"},
        "triage_blank_hint": {
            "id": "Tanggal kosong: tersedia mulai hari ini. Jam kosong: tanpa batas jam.",
            "en": "No date: available from today. No times: no time window.",
        },
        "flag_outside_region": {
            "id": "Titik di luar wilayah kabupaten — petugas tetap mengirim",
            "en": "Point outside the regency — the officer sent it anyway",
        },
        "safe_contact": {"id": "Cara menghubungi dengan aman", "en": "Safe way to contact"},
        "destination": {"id": "Tujuan", "en": "Destination"},
        "data_version": {"id": "Versi data", "en": "Data version"},
        "precision": {"id": "Ketepatan lokasi", "en": "Location precision"},
        "prec_gps": {"id": "GPS", "en": "GPS"},
        "prec_village": {"id": "titik desa", "en": "village point"},
        "prec_kecamatan": {"id": "hanya kecamatan", "en": "kecamatan only"},
        "prec_regency": {"id": "hanya kabupaten", "en": "regency only"},
        # location_flag codes, shown as _('flag_' ~ code) (flag_outside_region is above)
        "flag_far_from_village": {
            "id": "Titik GPS jauh dari desa/kecamatan yang dipilih petugas: periksa mana yang "
            "benar, desanya atau titiknya.",
            "en": "GPS point far from the village/kecamatan the officer chose: check which is "
            "right, the village or the point.",
        },
        "flag_region_approximate": {
            "id": "Perkiraan: batas desa belum diimpor, jadi titik ini hanya dicek dengan kotak "
            "batas kabupaten, dan desa/kecamatannya diambil dari titik acuan terdekat.",
            "en": "Approximate: no village boundaries are imported, so this point was only "
            "checked against the regency's bounding box, and its village/kecamatan is the "
            "nearest reference point.",
        },
        "history": {"id": "Riwayat", "en": "History"},
        "change_status": {"id": "Ubah status", "en": "Change status"},
        "triage": {"id": "Triase", "en": "Triage"},
        "confirm_location": {"id": "Titik GPS sudah dikonfirmasi", "en": "GPS point confirmed"},
        "save": {"id": "Simpan", "en": "Save"},
        "saved_offline": {
            "id": "Belum terkirim: tersimpan di ponsel ini, dikirim otomatis saat ada sinyal "
            "selama halaman Jangkau terbuka.",
            "en": "Not sent yet: kept on this phone and sent automatically when there is signal "
            "while a Jangkau page is open.",
        },
        "outbox_waiting": {
            "id": "{n} permintaan tersimpan di ponsel ini, belum terkirim: dikirim otomatis "
            "saat ada sinyal selama halaman Jangkau terbuka.",
            "en": "{n} request(s) kept on this phone, not sent yet: sent automatically when "
            "there is signal while a Jangkau page is open.",
        },
        "outbox_sent": {
            "id": "Terkirim dari ponsel ini: {ref}",
            "en": "Sent from this phone: {ref}",
        },
        "outbox_refused": {
            "id": "{n} permintaan dari ponsel ini ditolak dan perlu diperbaiki: buka formulir.",
            "en": "{n} request(s) from this phone were refused and need correcting: open the form.",
        },
        "sending": {"id": "Mengirim…", "en": "Sending…"},
        "suggestions": {"id": "Mungkin maksud Anda", "en": "Did you mean"},
        "cand_district": {"id": "Kec. {name}", "en": "Kec. {name}"},
        "cand_precision": {"id": "ketepatan: {p}", "en": "precision: {p}"},
        "cand_none": {
            "id": "Tidak ada desa yang cocok. Periksa ejaan, atau pilih kecamatan dulu.",
            "en": "No village matches. Check the spelling, or choose the kecamatan first.",
        },
        "cand_pick_resend": {
            "id": "Nama ini cocok dengan beberapa desa. Pilih yang dimaksud; permintaan "
            "langsung dikirim lagi.",
            "en": "This name fits several villages. Pick the one you mean; the request is "
            "sent again at once.",
        },
        "cand_pick_nojs": {
            "id": "Pilih desa yang dimaksud, lalu tekan Kirim.",
            "en": "Pick the village you mean, then press Send.",
        },
        "help_title": {"id": "Minta bantuan", "en": "Ask for help"},
        "help_intro": {
            "id": "Isi seperlunya. Petugas DP3A akan menghubungi dengan cara yang aman. "
            "Dalam bahaya sekarang: telepon 112 atau SAPA 129.",
            "en": "Fill in only what is needed. DP3A staff will contact you safely. "
            "In danger now: call 112 or SAPA 129.",
        },
        "help_safe_contact": {
            "id": "Bagaimana menghubungi dengan aman? (mis. telepon siang hari, lewat tetangga)",
            "en": "How can we reach you safely? (e.g. call in the daytime, through a neighbour)",
        },
        "help_when": {"id": "Kapan waktu yang aman?", "en": "When is a safe time?"},
        "help_field_length": {
            "id": "«{field}»: isi {least} sampai {most} huruf.",
            "en": "«{field}»: {least} to {most} characters, please.",
        },
        "help_phone": {"id": "Nomor telepon (opsional)", "en": "Phone number (optional)"},
        "quick_exit": {"id": "Keluar cepat", "en": "Quick exit"},
        "help_resend": {
            "id": "Pesan belum terkirim karena sesi halaman ini habis. Isian Anda masih ada: "
            "periksa lalu tekan Kirim sekali lagi.",
            "en": "The message was not sent because this page's session ran out. What you "
            "typed is still here: check it and press Send once more.",
        },
        "language": {"id": "Bahasa", "en": "Language"},
        "help_done": {
            "id": "Terima kasih. Pesan sudah diterima; petugas akan menghubungi dengan aman.",
            "en": "Thank you. The message was received; staff will contact you safely.",
        },
        "passengers": {"id": "Penumpang", "en": "Passengers"},
        "window": {"id": "Waktu tersedia", "en": "Time window"},
        "created": {"id": "Masuk", "en": "Submitted"},
    }
)

CATALOG.update(
    {
        "plan_title": {"id": "Rencana rute", "en": "Route plan"},
        "edit_version": {"id": "Versi suntingan", "en": "Edit version"},
        "published_version": {"id": "Terbit", "en": "Published"},
        "plan_state_draft": {"id": "draf", "en": "draft"},
        "plan_state_published": {"id": "terbit", "en": "published"},
        "plan_state_superseded": {"id": "diganti", "en": "superseded"},
        "queue": {"id": "Antrean", "en": "Queue"},
        "plan_routes_for": {"id": "Rencanakan rute untuk {day}", "en": "Plan routes for {day}"},
        "replan_now": {"id": "Rencana ulang dari sekarang", "en": "Re-plan from now"},
        "job_running": {"id": "Sedang merencanakan", "en": "Planning"},
        "job_done": {"id": "Selesai direncanakan", "en": "Planned"},
        "job_failed": {"id": "Perencanaan gagal", "en": "Planning failed"},
        "planning_error": {
            "id": "Terjadi kesalahan saat merencanakan; coba lagi.",
            "en": "Something went wrong while planning; try again.",
        },
        "no_vehicles": {"id": "Tidak ada kendaraan aktif.", "en": "No active vehicle."},
        "adjust": {"id": "Atur", "en": "Adjust"},
        "lock": {"id": "Kunci ke", "en": "Lock to"},
        "exclude": {"id": "Tunda hari ini", "en": "Leave out today"},
        "clear": {"id": "Lepas", "en": "Clear"},
        "instruction_excluded": {"id": "Ditunda hari ini", "en": "Left out today"},
        "instruction_locked": {"id": "Dikunci ke {vehicle}", "en": "Locked to {vehicle}"},
        "routes": {"id": "Rute", "en": "Routes"},
        "map": {"id": "Peta", "en": "Map"},
        "hours": {"id": "jam", "en": "hours"},
        "arrival": {"id": "Tiba", "en": "Arrival"},
        "stop": {"id": "Perhentian", "en": "Stop"},
        "load": {"id": "Muatan", "en": "On board"},
        "stop_start": {"id": "Berangkat", "en": "Start"},
        "stop_end": {"id": "Kembali", "en": "Return"},
        "stop_pickup": {"id": "Jemput", "en": "Pickup"},
        "stop_delivery": {"id": "Antar", "en": "Drop-off"},
        "stop_visit": {"id": "Kunjungan", "en": "Visit"},
        "rep_arrived": {"id": "Tiba", "en": "Arrived"},
        "rep_done": {"id": "Selesai", "en": "Done"},
        "rep_failed": {"id": "Gagal", "en": "Failed"},
        "passengers_picked_up": {"id": "Penumpang dijemput", "en": "Passengers picked up"},
        "unserved": {"id": "Tidak terlayani", "en": "Not served"},
        "why_outside_shifts": {
            "id": "di luar jam dinas semua kendaraan",
            "en": "outside every vehicle's shift",
        },
        "why_no_skilled_vehicle": {
            "id": "tidak ada kendaraan dengan kemampuan yang dibutuhkan",
            "en": "no vehicle has the needed skill",
        },
        "why_window_unreachable": {
            "id": "waktu yang diminta tidak terjangkau dari pangkalan dalam jam dinas",
            "en": "the time window cannot be reached from the depot within a shift",
        },
        "why_not_enough_seats": {"id": "kursi tidak cukup", "en": "not enough seats"},
        "why_locked_vehicle_unavailable": {
            "id": "kendaraan yang dikunci tidak tersedia",
            "en": "the locked vehicle is not available",
        },
        "why_dropped_for_urgent": {
            "id": "ditunda untuk permintaan yang lebih mendesak",
            "en": "left for more urgent requests",
        },
        "why_no_capacity": {"id": "armada penuh hari ini", "en": "the fleet is full today"},
        "why_driving_limit": {
            "id": "melebihi batas waktu mengemudi kendaraan",
            "en": "over the vehicle's maximum driving time",
        },
        "why_window_passed": {
            "id": "waktu yang diminta sudah lewat",
            "en": "the requested time has already passed",
        },
        "why_search_stopped": {
            "id": "masih muat: rencanakan ulang dengan waktu lebih lama",
            "en": "it would still fit: plan again with more time",
        },
        "skipped": {"id": "Tidak ikut direncanakan", "en": "Not planned"},
        "skip_excluded": {"id": "ditunda", "en": "left out"},
        "skip_unverified": {"id": "belum diverifikasi", "en": "unverified"},
        "skip_no_location": {"id": "tanpa lokasi", "en": "no location"},
        "skip_no_destination": {"id": "tanpa tujuan", "en": "no destination"},
        "publish": {"id": "Terbitkan", "en": "Publish"},
        "driver_links": {"id": "Tautan pengemudi", "en": "Driver links"},
        "open_route": {"id": "Buka rute", "en": "Open route"},
        "offline_map": {"id": "Peta offline", "en": "Offline map"},
        "a4_sheet": {"id": "Lembar A4", "en": "A4 sheet"},
        "driver_of": {"id": "Pengemudi {vehicle}", "en": "Driver of {vehicle}"},
        "driver_is": {"id": "Pengemudi: {name}", "en": "Driver: {name}"},
        "driver_none": {"id": "Pengemudi: —", "en": "Driver: —"},
        "drivers_hint": {
            "id": "Pilih pengemudi tiap mobil (boleh —): namanya tercetak di lembar A4 dan "
            "rutenya muncul di beranda pengemudi itu.",
            "en": "Choose each car's driver (— allowed): the name is printed on the A4 sheet "
            "and the route shows on that driver's home page.",
        },
        "driver_invalid": {
            "id": "Pengemudi #{id} bukan pengguna aktif dengan peran pengemudi. Muat ulang "
            "halaman dan pilih lagi.",
            "en": "Driver #{id} is not an active user with role driver. Reload the page and "
            "choose again.",
        },
        "driver_twice": {
            "id": "{name} dipilih untuk dua mobil: satu pengemudi hanya untuk satu mobil.",
            "en": "{name} is chosen for two cars: one driver drives one car.",
        },
        "close_day": {
            "id": "Tutup hari: kembalikan yang belum selesai ke antrean",
            "en": "Close the day: unfinished requests back to the queue",
        },
        "plan_changed": {
            "id": "Rencana {day} baru saja diubah dispatcher lain. Muat ulang halaman, periksa "
            "perubahannya, lalu ulangi.",
            "en": "The plan for {day} was just changed by another dispatcher. Reload the page, "
            "check the change, then try again.",
        },
        "no_draft": {"id": "Belum ada rencana untuk diterbitkan.", "en": "No plan to publish yet."},
        "plan_stale": {
            "id": "Rencana {day} dibuat sebelum perubahan terakhir (kunci, tunda, atau terbit). "
            "Rencanakan ulang, lalu terbitkan.",
            "en": "The plan for {day} was made before the latest change (a lock, a request left "
            "out, a publish). Plan again, then publish.",
        },
        "no_published_plan": {"id": "Belum ada rencana terbit.", "en": "No published plan yet."},
        "close_future": {
            "id": "Hari {day} belum tiba: tutup hari hanya untuk hari ini atau yang sudah lewat.",
            "en": "{day} has not come yet: close only today or a past day.",
        },
        "close_day_confirm": {
            "id": "Tutup hari? Permintaan yang belum selesai kembali ke antrean.",
            "en": "Close the day? Unfinished requests go back to the queue.",
        },
        "day_summary": {
            "id": "Ringkasan {day} (versi {version})",
            "en": "Summary of {day} (version {version})",
        },
        "day_closed": {
            "id": "Hari ditutup: {n} permintaan kembali ke antrean dengan catatan.",
            "en": "Day closed: {n} request(s) back in the queue with a note.",
        },
        "day_closed_on_board": {
            "id": "Sudah dijemput, pengantaran belum dilaporkan (tetap, periksa dengan sopir): "
            "{refs}",
            "en": "Picked up, drop-off not reported (left as is, check with the driver): {refs}",
        },
        "sum_on_routes": {"id": "Permintaan di rute", "en": "Requests on the routes"},
        "picked_up_n": {"id": "{n} penumpang dijemput", "en": "{n} passengers picked up"},
        "queue_changed": {
            "id": "Antrean berubah (permintaan baru atau selesai): muat ulang halaman.",
            "en": "The queue changed (new or finished requests): reload the page.",
        },
        "to_plan_on": {"id": "Untuk tanggal (tersedia s.d.)", "en": "For the day (available by)"},
        "sum_unfinished": {"id": "Belum selesai", "en": "Not finished"},
        "sum_km": {
            "id": "Km direncanakan / dari laporan sopir",
            "en": "Km planned / from the drivers' reports",
        },
        "link_not_found": {"id": "Tautan rute tidak dikenal.", "en": "Unknown route link."},
        "link_valid_until": {"id": "Berlaku sampai {at}", "en": "Valid until {at}"},
        "link_expired_at": {
            "id": "Tautan sudah kedaluwarsa ({at}): shift hari ini telah selesai.",
            "en": "The link expired at {at}: this day's shift is over.",
        },
        "link_expired": {
            "id": "Tautan rute sudah kedaluwarsa.",
            "en": "The route link has expired.",
        },
        "link_expired_page": {
            "id": "Tautan rute ini berakhir {at}. Minta tautan baru ke kantor bila masih di jalan.",
            "en": "This route link ended {at}. Ask the office for a new one if still on the road.",
        },
        "route_withdrawn": {
            "id": "Rute ini dibatalkan oleh dispatcher — jangan dilanjutkan. Hubungi kantor.",
            "en": "This route was withdrawn by the dispatcher — do not go on. Call the office.",
        },
        "route_withdrawn_marks": {
            "id": "Tanda perhentian yang belum terkirim tetap dikirim otomatis.",
            "en": "Stop marks not sent yet are still sent automatically.",
        },
        "db_unavailable": {
            "id": "Basis data sedang tidak dapat dihubungi; tidak ada yang tersimpan. "
            "Coba kirim lagi sebentar lagi.",
            "en": "The database cannot be reached right now; nothing was saved. "
            "Please send it again in a moment.",
        },
        "eta_late": {
            "id": "Perkiraan baru dari laporan pengemudi",
            "en": "New estimate from the driver's reports",
        },
        "route_added": {"id": "Baru di rute Anda", "en": "New on your route"},
        "route_removed": {
            "id": "Tidak lagi di rute Anda (jangan dijemput)",
            "en": "No longer on your route (do not pick up)",
        },
        "new_on_route": {"id": "baru", "en": "new"},
        "route_updated": {
            "id": "Rute diperbarui: versi {old} → {new}. Periksa urutan perhentian.",
            "en": "Route updated: version {old} → {new}. Check the stop order.",
        },
        "navigate": {"id": "Navigasi", "en": "Navigate"},
        "call": {"id": "Telepon", "en": "Call"},
        "queued_offline": {
            "id": "Belum terkirim (tanpa sinyal), akan dikirim otomatis",
            "en": "Not sent yet (no signal), will be sent automatically",
        },
        "sent": {"id": "Terkirim", "en": "Sent"},
        "failure_reason": {"id": "Alasan gagal?", "en": "Reason for failure?"},
        "stop_not_on_route": {
            "id": "Perhentian ini tidak ada di rute Anda.",
            "en": "This stop is not on your route.",
        },
        "reason_required": {"id": "Tulis alasan gagal.", "en": "Give the reason for the failure."},
        "stop_cancelled": {
            "id": "Permintaan {reference} sudah dibatalkan: jangan dilayani.",
            "en": "Request {reference} was cancelled: do not serve it.",
        },
        "stop_cancelled_badge": {
            "id": "Dibatalkan — jangan dijemput atau dikunjungi",
            "en": "Cancelled — do not pick up or visit",
        },
        "stop_kind_mismatch": {
            "id": "Jenis perhentian tidak cocok dengan permintaan {reference}.",
            "en": "The kind of stop does not fit request {reference}.",
        },
        "report_in_future": {
            "id": "Waktu laporan ada di masa depan. Periksa jam dan tanggal di ponsel.",
            "en": "The report's time is in the future. Check the phone's clock and date.",
        },
        "link_expired_report": {
            "id": "Tautan rute sudah kedaluwarsa: hanya laporan dari hari rute ini ({day}) "
            "yang masih diterima.",
            "en": "The route link has expired: only reports from this route's day ({day}) "
            "are still accepted.",
        },
    }
)

CATALOG.update(
    {
        "report_title": {"id": "Laporan bulanan", "en": "Monthly report"},
        "month": {"id": "Bulan", "en": "Month"},
        "median_to_done": {"id": "Median waktu sampai selesai", "en": "Median time to done"},
        "report_total": {"id": "Jumlah permintaan", "en": "Requests"},
        "report_median_hours": {
            "id": "Median jam dari masuk sampai selesai",
            "en": "Median hours from submission to done",
        },
        "report_p90_hours": {
            "id": "Persentil 90 jam dari masuk sampai selesai",
            "en": "90th percentile hours from submission to done",
        },
        "report_km": {
            "id": "km ditempuh (perkiraan dari laporan sopir)",
            "en": "km driven (estimated from drivers' reports)",
        },
        "travel_haversine": {
            "id": "perkiraan: jarak garis lurus × faktor jalan",
            "en": "estimate: straight-line distance × road factor",
        },
        "travel_osrm": {"id": "jaringan jalan (OSRM)", "en": "road network (OSRM)"},
        "km_driven": {
            "id": "km ditempuh (perkiraan dari laporan sopir)",
            "en": "km driven (estimated from drivers' reports)",
        },
    }
)
