"""The audit log: who did what to which record, when, from where. Never personal values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from dispatch.models import AuditLog, User, utcnow


def entry(
    action: str,
    entity: str,
    entity_id: object = None,
    *,
    actor: User | int | None = None,
    client: str | None = None,
    fields: Iterable[str] = (),
) -> dict[str, Any]:
    """The values of an audit row (for a caller that writes it with its own statement)."""
    return {
        "at": utcnow(),
        "actor_id": actor.id if isinstance(actor, User) else actor,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id)[:40],
        "client": (client or None) and client[:64],
        "fields": ",".join(sorted(fields))[:400],
    }


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: object = None,
    *,
    actor: User | int | None = None,
    client: str | None = None,
    fields: Iterable[str] = (),
) -> None:
    """Add an audit row to the caller's unit of work (it commits with the change)."""
    row = entry(action, entity, entity_id, actor=actor, client=client, fields=fields)
    session.add(AuditLog(**row))
