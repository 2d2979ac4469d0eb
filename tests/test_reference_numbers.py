"""Reference codes: the n-th request of the region's day, unique under concurrent intake,
starting again at 0001 each day, and going on where the old counter stopped after the
upgrade to sequence numbering on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from dispatch.db import make_engine, migrate
from dispatch.models import User
from dispatch.services import requests as svc
from dispatch.services.requests import RequestIn, submit_request
from dispatch.setup import init, load_demo
from tests.conftest import _fresh_pg_database
from tests.test_setup import PG, _pg_available

pytestmark = pytest.mark.db


def _body(i: int) -> RequestIn:
    return RequestIn(
        kind="visit",
        urgency="segera",
        village_code="64.02.06.1001",
        contact_phone=f"0812{70000000 + i}",
    )


def _officer(engine) -> User:
    with Session(engine) as s:
        return s.exec(select(User).where(User.username == "officer.tenggarong")).one()


def _number(reference: str) -> int:
    return int(reference.rsplit("-", 1)[1])


def test_concurrent_submissions_get_unique_numbers_without_gaps(engine, settings):
    officer, refs, errors = _officer(engine), [], []

    def submit(i: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as s:
                req, _ = submit_request(s, _body(i), settings, actor=officer)
                refs.append(req.reference)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(_number(r) for r in refs)
    assert len(set(refs)) == 24
    assert numbers == list(range(numbers[0], numbers[0] + 24))  # nothing failed: no gaps
    with Session(engine) as s:
        stored = s.exec(text("SELECT reference FROM request")).scalars().all()
    assert set(refs) <= set(stored)


def test_one_submission_sent_on_many_connections_at_once_is_stored_once(engine, settings):
    """A phone that resends while the first try is still under way: one request, one
    history entry, one audit row, and every answer names that request."""
    officer, answers, errors = _officer(engine), [], []
    key = f"resend-{datetime.now(UTC).timestamp()}"

    def submit() -> None:
        try:
            with Session(engine, expire_on_commit=False) as s:
                req, created = submit_request(
                    s, _body(500), settings, actor=officer, idempotency_key=key
                )
                answers.append((req.reference, created))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({ref for ref, _ in answers}) == 1 and len(answers) == 12
    assert sum(created for _, created in answers) == 1
    with Session(engine) as s:
        rows = s.exec(
            text(
                "SELECT r.id, (SELECT count(*) FROM requestevent e WHERE e.request_id = r.id),"
                " (SELECT count(*) FROM auditlog a WHERE a.entity = 'request'"
                "  AND a.action = 'create' AND a.entity_id = CAST(r.id AS VARCHAR))"
                " FROM request r WHERE r.reference = :ref"
            ).bindparams(ref=answers[0][0])
        ).all()
    assert [(events, audits) for _, events, audits in rows] == [(1, 1)]


def test_a_new_day_starts_again_at_0001(engine, settings, monkeypatch):
    officer = _officer(engine)
    # 2031-03-04 08:00 in Kukar (WITA, UTC+8): a day no other test submits on.
    monkeypatch.setattr(svc, "utcnow", lambda: datetime(2031, 3, 4, 0, 0, tzinfo=UTC))
    with Session(engine, expire_on_commit=False) as s:
        first, _ = submit_request(s, _body(100), settings, actor=officer)
        second, _ = submit_request(s, _body(101), settings, actor=officer)
    assert first.reference == "KKR-20310304-0001"
    assert second.reference == "KKR-20310304-0002"


def test_a_resent_submission_takes_no_number(engine, settings, monkeypatch):
    """Phones on weak signal resend; the day's numbers must still run 0001, 0002 without
    holes that would make the office look for requests that never existed."""
    officer = _officer(engine)
    monkeypatch.setattr(svc, "utcnow", lambda: datetime(2031, 3, 6, 0, 0, tzinfo=UTC))
    with Session(engine, expire_on_commit=False) as s:
        first, _ = submit_request(s, _body(300), settings, actor=officer, idempotency_key="k" * 8)
        for _ in range(3):
            again, created = submit_request(
                s, _body(300), settings, actor=officer, idempotency_key="k" * 8
            )
            assert not created and again.reference == first.reference
        second, _ = submit_request(s, _body(301), settings, actor=officer, idempotency_key="m" * 8)
    assert (first.reference, second.reference) == ("KKR-20310306-0001", "KKR-20310306-0002")


@pytest.mark.skipif(not _pg_available(), reason=f"PostgreSQL is not reachable at {PG}")
def test_after_the_upgrade_to_sequence_numbers_a_day_goes_on_where_it_was(settings, monkeypatch):
    url, drop = _fresh_pg_database(PG)
    engine = make_engine(url)
    try:
        migrate(engine, "0003")
        with engine.begin() as conn:  # the old counter had numbered 42 requests that day
            conn.execute(text("INSERT INTO counter (key, value) VALUES ('ref:20310305', 42)"))
        migrate(engine)
        init(engine, settings)
        load_demo(engine, settings)
        monkeypatch.setattr(svc, "utcnow", lambda: datetime(2031, 3, 5, 1, 0, tzinfo=UTC))
        with Session(engine, expire_on_commit=False) as s:
            req, _ = submit_request(s, _body(200), settings, actor=_officer(engine))
        assert req.reference == "KKR-20310305-0043"
    finally:
        engine.dispose()
        drop()
