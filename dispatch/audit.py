"""The audit log: who did what to which record, when, from where. Never personal values."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from dispatch.models import AuditLog, User


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
    actor_id = actor.id if isinstance(actor, User) else actor
    session.add(
        AuditLog(
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id)[:40],
            client=(client or None) and client[:64],
            fields=",".join(sorted(fields))[:400],
        )
    )
