"""The `jangkau` command line."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import typer

from dispatch.config import ConfigError, Settings, load_settings
from dispatch.errors import UserError
from dispatch.i18n import translate

app = typer.Typer(
    help="Jangkau: dispatch and routing for DP3A protection vehicles.", no_args_is_help=True
)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
vehicle_app = typer.Typer(help="Manage vehicles.", no_args_is_help=True)
place_app = typer.Typer(
    help="Manage places (depot, safe house, hospital, police...).", no_args_is_help=True
)
app.add_typer(user_app, name="user")
app.add_typer(vehicle_app, name="vehicle")
app.add_typer(place_app, name="place")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:  # the config file is a folder, var/ cannot be made...
        typer.echo(f"Configuration error: {_os_problem(exc)}", err=True)
        raise typer.Exit(2) from None


def _engine(settings: Settings):
    from dispatch.db import get_engine

    try:
        return get_engine(settings.database_url)
    except OSError as exc:  # the SQLite file's folder cannot be made
        typer.echo(
            f"Error: database {_db_label(settings.database_url)}: {_os_problem(exc)}", err=True
        )
        raise typer.Exit(2) from None


def _os_problem(exc: OSError) -> str:
    """An operating-system error in one line: the path and what is wrong with it."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _folder_problem(folder: str, exc: OSError) -> str:
    """Why files cannot be written into `folder`, in words, naming the path at fault."""
    import errno

    path = Path(folder).absolute()
    for existing in (path, *path.parents):
        if existing.exists():
            if not existing.is_dir():
                return f"{existing} is a file, not a folder"
            break
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write in {exc.filename or folder}"
    if exc.errno == errno.EROFS:
        return f"{folder} is on a read-only file system"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.ENOENT and not path.exists():
        return f"a folder cannot be created at {folder} ({exc.strerror})"
    return _os_problem(exc)


def _fail(exc: UserError) -> None:
    typer.echo("Error: " + translate(exc.key, "en", **exc.params), err=True)
    raise typer.Exit(1)


def _db_label(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (Alembic)."""
    from dispatch.db import migrate as run

    settings = _settings()
    run(_engine(settings))
    typer.echo(f"Schema up to date: {_db_label(settings.database_url)}")


@app.command()
def init() -> None:
    """Migrate, load the region's kecamatan and villages, add the configured places."""
    from dispatch.setup import init as run

    settings = _settings()
    try:
        report = run(_engine(settings), settings)
    except ValueError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"{settings.region.name}: {report.districts} kecamatan, {report.villages} desa/kelurahan; "
        f"{report.places_added} places added. Database: {_db_label(settings.database_url)}"
    )


@app.command()
def demo() -> None:
    """Add demo users and vehicles (safe to run again) and print the demo logins."""
    from dispatch.setup import init as run_init
    from dispatch.setup import load_demo

    settings = _settings()
    engine = _engine(settings)
    run_init(engine, settings)
    logins = load_demo(engine, settings)
    from dispatch.setup import load_demo_requests

    added = load_demo_requests(engine, settings)
    if added:
        typer.echo(f"{added} demo requests added for today.")
    typer.echo("Demo logins (for trying Jangkau only; change or disable them in production):")
    for username, role, password in logins:
        typer.echo(f"  {role:<10} {username:<20} {password}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(
        1,
        min=1,
        max=16,
        help="Processes. More serve more load; planning progress and login throttling are "
        "then kept per process.",
    ),
) -> None:
    """Serve the web app and the JSON API."""
    import uvicorn

    from dispatch.logs import configure

    settings = _settings()
    configure()
    _check_connections(settings, workers)
    typer.echo(f"Jangkau on http://{host}:{port}  (database: {_db_label(settings.database_url)})")
    uvicorn.run(
        "dispatch.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=None,
        proxy_headers=True,
    )


def _check_connections(settings: Settings, workers: int) -> None:
    """Stop before starting more connection pools than PostgreSQL accepts: under load the
    last workers would otherwise fail their requests with 'too many clients'."""
    from sqlalchemy.exc import OperationalError

    from dispatch.db import CONNECTIONS_PER_PROCESS, connection_limit

    engine = _engine(settings)
    try:
        limit = connection_limit(engine)
    except OperationalError:
        return  # the database is down: serve anyway, /healthz and every page say so
    finally:
        engine.dispose()  # the workers open their own pools
    if limit is None or workers * CONNECTIONS_PER_PROCESS <= limit:
        return
    fits = max(1, limit // CONNECTIONS_PER_PROCESS)
    advice = (
        f"{workers * CONNECTIONS_PER_PROCESS} PostgreSQL connections "
        f"({CONNECTIONS_PER_PROCESS} each under load), and the server accepts {limit}"
    )
    if workers > fits:
        typer.echo(
            f"Error: --workers {workers} may open {advice}. Use --workers {fits} "
            "or raise max_connections.",
            err=True,
        )
        raise typer.Exit(2)
    typer.echo(f"Warning: one process may open {advice}; raise max_connections.", err=True)


def _read_password() -> str:
    """A password from standard input (one line), or asked for twice on a terminal."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            typer.echo("Error: the passwords differ.", err=True)
            raise typer.Exit(1)
        return password
    return sys.stdin.readline().rstrip("\n")


@user_app.command("add")
def user_add(
    username: str,
    role: str = typer.Option(..., help="admin, dispatcher, officer or driver."),
    full_name: str = typer.Option("", help="Name shown in the office."),
    district: str = typer.Option(None, help="Kecamatan code (officers), e.g. 64.02.06."),
) -> None:
    """Add a user; the password is read from standard input or asked for."""
    from dispatch.db import session_scope
    from dispatch.services.users import create_user

    password = _read_password()
    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            user = create_user(
                s, username, password, role, full_name=full_name, district_code=district
            )
            typer.echo(f"User {user.username} ({user.role.value}) added.")
    except UserError as exc:
        _fail(exc)


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Disable a user: they can no longer log in, open sessions and tokens end."""
    from dispatch.db import session_scope
    from dispatch.services.users import set_active

    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            set_active(s, username, False)
    except UserError as exc:
        _fail(exc)
    typer.echo(f"User {username} disabled.")


@user_app.command("enable")
def user_enable(username: str) -> None:
    """Enable a disabled user again: they can log in with their password."""
    from dispatch.db import session_scope
    from dispatch.services.users import set_active

    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            set_active(s, username, True)
    except UserError as exc:
        _fail(exc)
    typer.echo(f"User {username} enabled.")


@user_app.command("edit")
def user_edit(
    username: str,
    role: str = typer.Option(None, help="New role: admin, dispatcher, officer or driver."),
    district: str = typer.Option(
        None, help='New kecamatan code, e.g. 64.02.06 ("" removes it; officers need one).'
    ),
    full_name: str = typer.Option(None, help="New name shown in the office."),
) -> None:
    """Change a user's role, kecamatan or name. A new role or kecamatan ends their sessions
    and tokens (they log in again)."""
    from dispatch.db import session_scope
    from dispatch.services.users import update_user

    if role is None and district is None and full_name is None:
        typer.echo("Error: nothing to change: give --role, --district or --full-name.", err=True)
        raise typer.Exit(2)
    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            user = update_user(s, username, role=role, district_code=district, full_name=full_name)
    except UserError as exc:
        _fail(exc)
    typer.echo(f"User {user.username}: {user.role.value}, kecamatan {user.district_code or '-'}.")


@user_app.command("set-password")
def user_set_password(username: str) -> None:
    """Set a user's password (read from standard input or asked for); their sessions and
    tokens end."""
    from dispatch.db import session_scope
    from dispatch.services.users import update_user

    password = _read_password()
    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            update_user(s, username, password=password)
    except UserError as exc:
        _fail(exc)
    typer.echo(f"Password of {username} changed; their sessions and tokens ended.")


@user_app.command("list")
def user_list() -> None:
    """List users."""
    from dispatch.db import session_scope
    from dispatch.services.users import list_users

    with session_scope(_engine(_settings())) as s:
        for u in list_users(s):
            state = "active" if u.active else "disabled"
            typer.echo(f"{u.username:<24} {u.role.value:<10} {u.district_code or '-':<9} {state}")


@vehicle_app.command("add")
def vehicle_add(
    name: str,
    plate: str = typer.Option("", help="Registration plate."),
    seats: int = typer.Option(None, help="Passenger seats (default from config.yaml)."),
    depot: str = typer.Option("depot", help="Key of the depot place."),
    shift_start: str = typer.Option(None, help="HH:MM (default from config.yaml)."),
    shift_end: str = typer.Option(None, help="HH:MM (default from config.yaml)."),
    kind: str = typer.Option("car", help="car or boat."),
    skills: str = typer.Option("", help="Comma separated: wheelchair,female_staff,infant_seat."),
) -> None:
    """Add a vehicle."""
    from dispatch.db import session_scope
    from dispatch.services.fleet import create_vehicle

    settings = _settings()
    d = settings.vehicles
    try:
        with session_scope(_engine(settings)) as s:
            create_vehicle(
                s,
                name,
                plate=plate,
                seats=d.seats if seats is None else seats,  # 0 is refused, not "not given"
                depot_key=depot,
                shift_start=shift_start if shift_start is not None else f"{d.shift_start:%H:%M}",
                shift_end=shift_end if shift_end is not None else f"{d.shift_end:%H:%M}",
                kind=kind,
                skills=skills,
            )
    except UserError as exc:
        _fail(exc)
    typer.echo(f"Vehicle {name} added.")


@vehicle_app.command("edit")
def vehicle_edit(
    vehicle: str = typer.Argument(..., help="The vehicle's name or id (see `vehicle list`)."),
    name: str = typer.Option(None, help="New name."),
    plate: str = typer.Option(None, help='New registration plate ("" removes it).'),
    seats: int = typer.Option(None, help="Passenger seats, 1-40."),
    depot: str = typer.Option(None, help="Key of the new depot place."),
    shift_start: str = typer.Option(None, help="HH:MM."),
    shift_end: str = typer.Option(None, help="HH:MM, after the start."),
    kind: str = typer.Option(None, help="car or boat."),
    skills: str = typer.Option(
        None, help='Comma separated: wheelchair,female_staff,infant_seat ("" for none).'
    ),
) -> None:
    """Change a vehicle: only the options given change."""
    from dispatch.db import session_scope
    from dispatch.services.fleet import update_vehicle

    given = (name, plate, seats, depot, shift_start, shift_end, kind, skills)
    if all(value is None for value in given):
        typer.echo("Error: nothing to change: give at least one option (see --help).", err=True)
        raise typer.Exit(2)
    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            v = update_vehicle(
                s,
                vehicle,
                name=name,
                plate=plate,
                seats=seats,
                depot_key=depot,
                shift_start=shift_start,
                shift_end=shift_end,
                kind=kind,
                skills=skills,
            )
    except UserError as exc:
        _fail(exc)
    typer.echo(
        f"Vehicle {v.name}: {v.plate or '-'}, {v.seats} seats, "
        f"{v.shift_start}-{v.shift_end}, skills {v.skills or '-'}."
    )


def _vehicle_active(vehicle: str, active: bool) -> None:
    from dispatch.db import session_scope
    from dispatch.services.fleet import set_vehicle_active

    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            v = set_vehicle_active(s, vehicle, active)
    except UserError as exc:
        _fail(exc)
    typer.echo(f"Vehicle {v.name} {'enabled' if active else 'disabled'}.")


@vehicle_app.command("disable")
def vehicle_disable(
    vehicle: str = typer.Argument(..., help="The vehicle's name or id (see `vehicle list`)."),
) -> None:
    """Retire a vehicle: plans made from now on leave it out (published routes stay)."""
    _vehicle_active(vehicle, False)


@vehicle_app.command("enable")
def vehicle_enable(
    vehicle: str = typer.Argument(..., help="The vehicle's name or id (see `vehicle list`)."),
) -> None:
    """Put a disabled vehicle back into planning (its depot must be active)."""
    _vehicle_active(vehicle, True)


@vehicle_app.command("list")
def vehicle_list() -> None:
    """List vehicles."""
    from dispatch.db import session_scope
    from dispatch.services.fleet import list_vehicles

    with session_scope(_engine(_settings())) as s:
        for v in list_vehicles(s):
            state = "active" if v.active else "disabled"
            typer.echo(
                f"{v.id:>3}  {v.name:<24} {v.plate:<12} {v.seats} seats  "
                f"{v.shift_start}-{v.shift_end}  {v.skills or '-'}  {state}"
            )


@place_app.command("add")
def place_add(
    key: str,
    kind: str = typer.Option(..., help="depot, safe_house, hospital, police, health, other."),
    name: str = typer.Option(..., help="Internal name (office only)."),
    lat: float = typer.Option(...),
    lon: float = typer.Option(...),
    public_label: str = typer.Option("", help="What drivers and printed sheets show."),
    address: str = typer.Option(""),
    confidential: bool = typer.Option(None, help="Default: yes for a safe house."),
) -> None:
    """Add a place."""
    from dispatch.db import session_scope
    from dispatch.services.fleet import create_place

    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            create_place(
                s,
                key,
                kind,
                name,
                lat,
                lon,
                public_label=public_label,
                address=address,
                confidential=confidential,
            )
    except UserError as exc:
        _fail(exc)
    typer.echo(f"Place {key} added.")


@place_app.command("edit")
def place_edit(
    key: str,
    name: str = typer.Option(None, help="New internal name (office only)."),
    public_label: str = typer.Option(None, help="New label drivers and printed sheets show."),
    lat: float = typer.Option(None, help="New latitude (moves the place)."),
    lon: float = typer.Option(None, help="New longitude (moves the place)."),
    address: str = typer.Option(None, help="New address."),
    confidential: bool = typer.Option(None, help="A safe house always stays confidential."),
) -> None:
    """Rename, relabel or move a place: only the options given change. Its key and kind
    stay (vehicles, requests and config.yaml refer to it by them)."""
    from dispatch.db import session_scope
    from dispatch.services.fleet import update_place

    if all(v is None for v in (name, public_label, lat, lon, address, confidential)):
        typer.echo("Error: nothing to change: give at least one option (see --help).", err=True)
        raise typer.Exit(2)
    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            p = update_place(
                s,
                key,
                name=name,
                public_label=public_label,
                lat=lat,
                lon=lon,
                address=address,
                confidential=confidential,
            )
    except UserError as exc:
        _fail(exc)
    typer.echo(f"Place {p.key}: shown as {p.public_label!r} at {p.lat:.5f},{p.lon:.5f}.")


def _place_active(key: str, active: bool) -> None:
    from dispatch.db import session_scope
    from dispatch.services.fleet import set_place_active

    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            set_place_active(s, key, active)
    except UserError as exc:
        _fail(exc)
    typer.echo(f"Place {key} {'enabled' if active else 'disabled'}.")


@place_app.command("disable")
def place_disable(key: str) -> None:
    """Disable a place: new requests no longer go there (existing ones keep it). Refused for
    the depot of an active vehicle and for the last active place of a destination kind."""
    _place_active(key, False)


@place_app.command("enable")
def place_enable(key: str) -> None:
    """Enable a disabled place again."""
    _place_active(key, True)


@place_app.command("list")
def place_list() -> None:
    """List places."""
    from dispatch.db import session_scope
    from dispatch.services.fleet import list_places

    with session_scope(_engine(_settings())) as s:
        for p in list_places(s):
            flags = ["confidential"] * p.confidential + ["disabled"] * (not p.active)
            typer.echo(
                f"{p.key:<24} {p.kind.value:<11} {p.public_label:<28} "
                f"{p.lat:.5f},{p.lon:.5f} {' '.join(flags)}".rstrip()
            )


@app.command()
def retention() -> None:
    """Erase personal data of requests closed longer ago than retention.closed_request_days."""
    from dispatch.db import session_scope
    from dispatch.services.requests import erase_expired

    settings = _settings()
    with session_scope(_engine(settings)) as s:
        n = erase_expired(s, settings)
    typer.echo(
        f"Personal data erased from {n} closed requests "
        f"(older than {settings.retention.closed_request_days} days)."
    )


gazetteer_app = typer.Typer(help="Village and kecamatan reference points.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


@gazetteer_app.command("import")
def gazetteer_import(
    file: str = typer.Argument(..., help="CSV (code,lat,lon) or GeoJSON (points or polygons)."),
    code_property: str = typer.Option(None, help="GeoJSON property holding the village code."),
    skip_bad: bool = typer.Option(False, help="Take the good rows; report the bad ones."),
) -> None:
    """Import village points; a polygon gives a point inside it (not its centroid) and is
    kept as the village's boundary (GPS points get their village and region check from it)."""
    from dispatch.db import session_scope
    from dispatch.geocoding import PointsImportError
    from dispatch.services.points import import_points

    settings = _settings()
    try:
        with session_scope(_engine(settings)) as s:
            report = import_points(
                s, file, settings, code_property=code_property, skip_bad=skip_bad
            )
    except PointsImportError as exc:
        typer.echo(f"Error: {file}: nothing imported.", err=True)
        for problem in exc.report.problems[:50]:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None
    except UnicodeDecodeError:
        typer.echo(f"Error: {file}: not UTF-8 text; save it as UTF-8 CSV or GeoJSON.", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:  # missing, a folder, unreadable
        typer.echo(f"Error: {file}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    except ValueError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{len(report.points)} village points imported from {file}.")
    for note in report.notes:
        typer.echo(note)
    for problem in report.problems[:50]:
        typer.echo(f"  skipped: {problem}")


@app.command("maps")
def maps_command(
    date_: str = typer.Option(..., "--date", help="Day of the plan, YYYY-MM-DD."),
    out: str = typer.Option(..., "--out", help="Folder to write the files into."),
) -> None:
    """Write the day's maps: overview, and per vehicle an offline map, A4 sheet, GPX, GeoJSON.

    Uses the published plan of the day (or the latest draft if none is published).
    """
    from datetime import date

    import maps
    from dispatch.db import session_scope
    from dispatch.models import PlanStatus
    from dispatch.services.planning import latest
    from dispatch.services.rendering import plan_view

    try:
        day = date.fromisoformat(date_)
    except ValueError:
        typer.echo(f"Error: --date {date_!r}: expected YYYY-MM-DD.", err=True)
        raise typer.Exit(2) from None
    settings = _settings()
    with session_scope(_engine(settings)) as s:
        record = latest(s, day, PlanStatus.PUBLISHED) or latest(s, day)
        if record is None:
            typer.echo(f"Error: no plan for {day}. Plan it first (the planning page).", err=True)
            raise typer.Exit(1)
        view = plan_view(s, record, settings, with_open_requests=True)
    try:
        files = maps.render_all(
            view, out, tiles=settings.maps.tiles, attribution=settings.maps.attribution
        )
    except OSError as exc:
        typer.echo(f"Error: --out {out}: {_folder_problem(out, exc)}.", err=True)
        raise typer.Exit(1) from None
    state = f"v{record.version}" if record.version else "draft"
    typer.echo(f"{len(files)} files for {day} ({state}) written to {out}:")
    for f in files:
        typer.echo(f"  {f}")


def _search_seconds() -> tuple[float, float]:
    """The planner's bounds on its search time, as config.yaml's solver.time_limit_s has
    them: more than the first, at most the second."""
    from dispatch.config import Solver

    meta = Solver.model_fields["time_limit_s"].metadata
    low = next(m.gt for m in meta if hasattr(m, "gt"))
    high = next(m.le for m in meta if hasattr(m, "le"))
    return float(low), float(high)


SEARCH_SECONDS = _search_seconds()


@app.command("plan")
def plan_command(
    date_: str = typer.Option(..., "--date", help="Day to plan, YYYY-MM-DD."),
    time_limit: float = typer.Option(
        None,
        help=f"Seconds of search, more than {SEARCH_SECONDS[0]:g} and at most "
        f"{SEARCH_SECONDS[1]:g} (default: solver.time_limit_s in config.yaml).",
    ),
    publish: bool = typer.Option(False, help="Publish the plan as the day's next version."),
) -> None:
    """Plan a day's routes from the command line (the planning page does the same)."""
    from datetime import date

    from sqlmodel import select

    from dispatch.db import session_scope
    from dispatch.models import Role, User
    from dispatch.services import planning
    from dispatch.services.points import install_geocoder

    try:
        day = date.fromisoformat(date_)
    except ValueError:
        typer.echo(f"Error: --date {date_!r}: expected YYYY-MM-DD.", err=True)
        raise typer.Exit(2) from None
    low, high = SEARCH_SECONDS
    if time_limit is not None and not low < time_limit <= high:  # NaN is refused too
        typer.echo(
            f"Error: --time-limit {time_limit:g}: expected more than {low:g} "
            f"and at most {high:g} seconds.",
            err=True,
        )
        raise typer.Exit(2)
    settings = _settings()
    engine = _engine(settings)
    install_geocoder(engine, settings)
    try:
        with session_scope(engine) as s:
            actor = s.exec(select(User).where(User.role == Role.DISPATCHER)).first()
            record = planning.plan_day(s, day, settings, actor, time_limit=time_limit)
            plan, _ = planning.load_body(record)
            if publish:
                record = planning.publish(s, day, settings, actor, None)
            served = sum(len(r.tasks) for r in plan.routes)
            typer.echo(
                f"{day}: {served} requests served, {len(plan.unserved)} not, "
                f"{plan.distance / 1000:.1f} km, {plan.solve_seconds:.1f} s"
                + (f"; published as v{record.version}" if publish else "")
            )
            for u in plan.unserved:
                typer.echo(f"  not served: {u.task}: {u.message}")
    except UserError as exc:
        _fail(exc)
