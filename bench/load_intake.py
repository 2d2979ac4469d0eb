"""Load test of request intake against a running Jangkau (run by hand, never in CI).

    JANGKAU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/jangkau_bench \\
        .venv/bin/jangkau demo && .venv/bin/jangkau serve --port 8800 &
    .venv/bin/python bench/load_intake.py --url http://127.0.0.1:8800 \\
        --db postgresql://postgres@127.0.0.1:5432/jangkau_bench

Sends N submissions from C concurrent clients; a fifth of them are sent a second time with
the same Idempotency-Key. Then it counts, in the database: every acknowledged submission
stored exactly once, no duplicates, reference codes unique, and no 5xx answers.

The client is aiohttp (the `bench` extra) when installed, else httpx (`--client httpx`):
on a small machine the load generator shares the cores with the service, and httpx costs
about twice the CPU per request. The client's own CPU time is reported with the results.
A request that fails in transport (connection reset) is sent again with the same key, as
an officer's phone would, and counted in `transport_errors`.

Before the timed run, `--warmup` submissions (200 by default) are sent and left out of every
figure: a service just started opens its database connections and prepares its statements
during its first requests, which is not the load an agency's long-running service sees.

Two ways to load:
- closed loop (default): each client sends its next submission as soon as the last one is
  answered. This finds the most the service can take; latency is then mostly time spent
  queueing, since 50 clients that never pause keep 50 requests in the server at once.
- `--rate R`: submissions arrive at R a second (Poisson arrivals, seeded), handled by up to
  `--clients` clients at once: the load of many officers submitting now and then. Latency
  is measured from when a submission was due, not when a free client sent it, so a backlog
  in the clients counts against the service too (no coordinated omission).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

VILLAGES = ["64.02.06.1001", "64.02.07.2005", "64.02.08.2004", "64.02.12.2013", "64.02.01.2001"]
TRANSPORT_TRIES = 3


class HttpxPoster:
    def __init__(self, base: str, clients: int) -> None:
        import httpx

        self._errors = (httpx.TransportError,)
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        self._client = httpx.AsyncClient(base_url=base, timeout=60, limits=limits)

    async def post(self, path: str, body: bytes, headers: dict) -> tuple[int, dict | None]:
        r = await self._client.post(path, content=body, headers=headers)
        return r.status_code, (r.json() if r.status_code < 300 else None)

    async def form(self, path: str, data: dict) -> dict:
        return (await self._client.post(path, data=data)).json()

    async def close(self) -> None:
        await self._client.aclose()


class AiohttpPoster:
    def __init__(self, base: str, clients: int) -> None:
        import aiohttp

        self._errors = (aiohttp.ClientError, asyncio.TimeoutError)
        self._base = base.rstrip("/")
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=clients),
            timeout=aiohttp.ClientTimeout(total=60),
        )

    async def post(self, path: str, body: bytes, headers: dict) -> tuple[int, dict | None]:
        async with self._session.post(self._base + path, data=body, headers=headers) as r:
            return r.status, (await r.json() if r.status < 300 else None)

    async def form(self, path: str, data: dict) -> dict:
        async with self._session.post(self._base + path, data=data) as r:
            return await r.json()

    async def close(self) -> None:
        await self._session.close()


def make_poster(kind: str, base: str, clients: int):
    if kind == "auto":
        try:
            import aiohttp  # noqa: F401
        except ImportError:
            kind = "httpx"
        else:
            kind = "aiohttp"
    return (AiohttpPoster if kind == "aiohttp" else HttpxPoster)(base, clients), kind


def machine_ms() -> float:
    """A fixed pure-Python loop, best of three: machines of the same kind differ from day to
    day (this one has ranged over nearly twice), and every figure here moves with it."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.perf_counter() - t)
    return round(best * 1000, 1)


def busy_cpu_s() -> float | None:
    """CPU time the whole machine has spent busy (Linux), to price a request in CPU."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8800")
    ap.add_argument("--db", required=True, help="database URL of the service under test")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--retry-share", type=float, default=0.2)
    ap.add_argument("--user", default="officer.tenggarong")
    ap.add_argument("--password", default="officer-demo-2026")
    ap.add_argument("--client", choices=["auto", "aiohttp", "httpx"], default="auto")
    ap.add_argument("--rate", type=float, help="offered submissions a second (open loop)")
    ap.add_argument(
        "--warmup",
        type=int,
        default=200,
        help="submissions sent first and left out of every figure (a freshly started "
        "service opens its database connections and prepares its statements meanwhile)",
    )
    args = ap.parse_args()

    run = uuid.uuid4().hex[:8]
    rng = random.Random(run)  # phones differ between runs: no run looks like another's duplicates
    poster, client_kind = make_poster(args.client, args.url, args.clients)
    tok = (
        await poster.form("/api/auth/token", {"username": args.user, "password": args.password})
    )["access_token"]
    base_headers = {"Authorization": f"Bearer {tok}", "Content-Type": "application/json"}

    jobs = []
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    for i in range(args.n):
        body = {
            "kind": rng.choice(["safe_house", "medical", "police", "visit"]),
            "urgency": rng.choice(["darurat", "segera", "segera", "terjadwal"]),
            "available_date": tomorrow,
            "village_code": rng.choice(VILLAGES),
            "adults": 1,
            "children": rng.randint(0, 3),
            "contact_phone": f"0813{rng.randint(10**7, 10**8 - 1)}",
            "landmark": f"bench-{run}-{i}",
        }
        key = f"{run}-{i}"
        jobs.append((key, json.dumps(body).encode(), rng.random() < args.retry_share))
    due = [0.0] * args.n  # seconds after the start when each submission arrives
    if args.rate:
        for i in range(1, args.n):
            due[i] = due[i - 1] + rng.expovariate(args.rate)

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    acked: dict[str, str] = {}  # idempotency key -> reference
    mismatched = 0
    transport_errors = 0
    queue: asyncio.Queue = asyncio.Queue()
    for i, job in enumerate(jobs):
        queue.put_nowait((due[i], *job))

    async def send(key: str, body: bytes, since: float | None) -> tuple[int, dict | None]:
        nonlocal transport_errors
        headers = {**base_headers, "Idempotency-Key": key}
        for attempt in range(TRANSPORT_TRIES):
            t0 = time.perf_counter() if since is None else since
            try:
                status, data = await poster.post("/api/requests", body, headers)
            except poster._errors:
                transport_errors += 1
                if attempt == TRANSPORT_TRIES - 1:
                    raise
                continue
            latencies.append(time.perf_counter() - t0)
            return status, data
        raise AssertionError("unreachable")

    async def worker() -> None:
        nonlocal mismatched
        while not queue.empty():
            at, key, body, retry = queue.get_nowait()
            since = None
            if args.rate:
                since = start + at
                await asyncio.sleep(max(0.0, since - time.perf_counter()))
            for attempt in range(2 if retry else 1):
                # A retry goes out as soon as the first answer is in; its latency is its own.
                status, data = await send(key, body, since if attempt == 0 else None)
                statuses[status] = statuses.get(status, 0) + 1
                if status in (200, 201):
                    ref = data["reference"]
                    if attempt and acked.get(key) != ref:
                        mismatched += 1
                    acked.setdefault(key, ref)

    async def warm(i: int) -> None:
        body = json.loads(jobs[i % len(jobs)][1])
        body["landmark"] = f"warmup-{run}-{i}"  # outside every count below
        body["contact_phone"] = f"0815{rng.randint(10**7, 10**8 - 1)}"  # no run's duplicate
        await poster.post("/api/requests", json.dumps(body).encode(), dict(base_headers))

    for first in range(0, args.warmup, args.clients):
        await asyncio.gather(
            *(warm(i) for i in range(first, min(first + args.clients, args.warmup)))
        )

    reference_ms = machine_ms()
    busy0 = busy_cpu_s()
    cpu0, start = time.process_time(), time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(args.clients)))
    finally:
        await poster.close()
    wall = time.perf_counter() - start
    client_cpu = time.process_time() - cpu0
    busy1 = busy_cpu_s()

    engine = create_engine(args.db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT reference, landmark FROM request WHERE landmark LIKE :p"),
            {"p": f"bench-{run}-%"},
        ).all()
    stored_refs = [r[0] for r in rows]
    stored_marks = [r[1] for r in rows]
    sent = sum(2 if retry else 1 for _, _, retry in jobs)
    lat = sorted(latencies)
    result = {
        "client": client_kind,
        "submissions": args.n,
        "http_requests": sent,
        "clients": args.clients,
        "mode": f"open loop, {args.rate:g} offered a second" if args.rate else "closed loop",
        "retried": sum(1 for j in jobs if j[2]),
        "warmup": args.warmup,
        "wall_s": round(wall, 2),
        "submissions_per_s": round(args.n / wall, 1),
        "requests_per_s": round(sent / wall, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1),
        "p99_ms": round(lat[int(0.99 * (len(lat) - 1))] * 1000, 1),
        "client_cpu_s": round(client_cpu, 2),
        "client_cpu_ms_per_request": round(client_cpu / sent * 1000, 2),
        # Service, PostgreSQL and this client together (they share the machine).
        "machine_cpu_ms_per_request": (
            round((busy1 - busy0) / sent * 1000, 2) if busy0 is not None else None
        ),
        "machine_reference_loop_ms": reference_ms,
        "statuses": statuses,
        "transport_errors": transport_errors,
        "acknowledged": len(acked),
        "stored": len(rows),
        "stored_exactly_once": len(set(stored_marks)) == len(stored_marks) == len(acked),
        "references_unique": len(set(stored_refs)) == len(stored_refs),
        "acked_refs_all_stored": set(acked.values()) <= set(stored_refs),
        # Retries go out after their first answer: none may draw a number of its own.
        "reference_numbers_without_gaps": _contiguous(stored_refs),
        "retries_answered_with_first_reference": mismatched == 0,
        "no_5xx": not any(s >= 500 for s in statuses),
    }
    print(json.dumps(result, indent=2))


def _contiguous(references: list[str]) -> bool:
    """Whether each day's numbers (KKR-20261129-0042) in the list run without holes."""
    days: dict[str, list[int]] = {}
    for ref in references:
        day, _, number = ref.rpartition("-")
        days.setdefault(day, []).append(int(number))
    return all(sorted(n) == list(range(min(n), min(n) + len(n))) for n in days.values())


if __name__ == "__main__":
    asyncio.run(main())
