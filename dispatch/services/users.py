"""Users and roles."""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dispatch import audit
from dispatch.errors import Conflict, NotFound, UserError
from dispatch.models import District, Role, User
from dispatch.security import WeakPassword, hash_password, revoke_user_credentials

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role | str,
    *,
    full_name: str = "",
    district_code: str | None = None,
    actor: User | None = None,
    client: str | None = None,
) -> User:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise UserError("username_invalid")
    try:
        role = Role(role)
    except ValueError:
        raise UserError("role_invalid", roles=", ".join(r.value for r in Role)) from None
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict("username_taken", username=username)
    district_code = district_code or None
    if role == Role.OFFICER and not district_code:
        raise UserError("officer_needs_district")
    if district_code and session.get(District, district_code) is None:
        raise UserError("district_unknown", code=district_code)
    try:
        pw_hash = hash_password(password)
    except WeakPassword:
        raise UserError("password_short") from None
    user = User(
        username=username,
        password_hash=pw_hash,
        role=role,
        full_name=full_name.strip()[:120],
        district_code=district_code,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # the same name added at the same moment by someone else
        raise Conflict("username_taken", username=username) from None
    audit.record(
        session,
        "create",
        "user",
        user.id,
        actor=actor,
        client=client,
        fields=("username", "role", "district_code"),
    )
    return user


def set_active(
    session: Session,
    username: str,
    active: bool,
    *,
    actor: User | None = None,
    client: str | None = None,
) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound("user_not_found", username=username)
    if actor is not None and actor.id == user.id and not active:
        raise UserError("cannot_disable_self")
    user.active = active
    session.add(user)
    if not active:
        revoke_user_credentials(session, user.id)
    audit.record(session, "update", "user", user.id, actor=actor, client=client, fields=("active",))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.role, User.username)))
