"""Load test of request intake against a running Jangkau (run by hand, never in CI).

    JANGKAU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/jangkau_bench \\
        .venv/bin/jangkau demo && .venv/bin/jangkau serve --port 8800 &
    .venv/bin/python bench/load_intake.py --url http://127.0.0.1:8800 \\
        --db postgresql://postgres@127.0.0.1:5432/jangkau_bench

Sends N submissions from C concurrent clients; a fifth of them are sent a second time with
the same Idempotency-Key. Then it counts, in the database: every acknowledged submission
stored exactly once, no duplicates, reference codes unique, and no 5xx answers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid

import httpx
from sqlalchemy import create_engine, text

VILLAGES = ["64.02.06.1001", "64.02.07.2005", "64.02.08.2004", "64.02.12.2013", "64.02.01.2001"]


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8800")
    ap.add_argument("--db", required=True, help="database URL of the service under test")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--retry-share", type=float, default=0.2)
    ap.add_argument("--user", default="officer.tenggarong")
    ap.add_argument("--password", default="officer-demo-2026")
    args = ap.parse_args()

    run = uuid.uuid4().hex[:8]
    rng = random.Random(42)
    async with httpx.AsyncClient(base_url=args.url, timeout=30) as client:
        tok = (await client.post("/api/auth/token", data={
            "username": args.user, "password": args.password})).json()["access_token"]
    headers = {"Authorization": f"Bearer {tok}"}

    jobs = []
    for i in range(args.n):
        body = {
            "kind": rng.choice(["safe_house", "medical", "police", "visit"]),
            "urgency": rng.choice(["darurat", "segera", "segera", "terjadwal"]),
            "available_date": "2026-12-01",
            "village_code": rng.choice(VILLAGES), "adults": 1, "children": rng.randint(0, 3),
            "contact_phone": f"0813{rng.randint(10**7, 10**8 - 1)}",
            "landmark": f"bench-{run}-{i}",
        }
        jobs.append((f"{run}-{i}", body, rng.random() < args.retry_share))

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    acked: dict[str, str] = {}  # idempotency key -> reference
    mismatched = 0
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal mismatched
        while not queue.empty():
            key, body, retry = queue.get_nowait()
            for attempt in range(2 if retry else 1):
                t0 = time.perf_counter()
                r = await client.post("/api/requests", json=body,
                                      headers={**headers, "Idempotency-Key": key})
                latencies.append(time.perf_counter() - t0)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                if r.status_code in (200, 201):
                    ref = r.json()["reference"]
                    if attempt and acked.get(key) != ref:
                        mismatched += 1
                    acked.setdefault(key, ref)

    t0 = time.perf_counter()
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(base_url=args.url, timeout=60, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(args.clients)))
    wall = time.perf_counter() - t0

    engine = create_engine(args.db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT reference, landmark FROM request WHERE landmark LIKE :p"),
            {"p": f"bench-{run}-%"}).all()
    stored_refs = [r[0] for r in rows]
    stored_marks = [r[1] for r in rows]
    sent = sum(2 if retry else 1 for _, _, retry in jobs)
    lat = sorted(latencies)
    result = {
        "submissions": args.n, "http_requests": sent, "clients": args.clients,
        "retried": sum(1 for j in jobs if j[2]),
        "wall_s": round(wall, 2), "submissions_per_s": round(args.n / wall, 1),
        "requests_per_s": round(sent / wall, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1),
        "statuses": statuses,
        "acknowledged": len(acked), "stored": len(rows),
        "stored_exactly_once": len(set(stored_marks)) == len(stored_marks) == len(acked),
        "references_unique": len(set(stored_refs)) == len(stored_refs),
        "acked_refs_all_stored": set(acked.values()) <= set(stored_refs),
        "retries_answered_with_first_reference": mismatched == 0,
        "no_5xx": not any(s >= 500 for s in statuses),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
