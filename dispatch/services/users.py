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


def user_by_name(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound("user_not_found", username=username)
    return user


def update_user(
    session: Session,
    username: str,
    *,
    role: Role | str | None = None,
    full_name: str | None = None,
    district_code: str | None = None,
    password: str | None = None,
    actor: User | None = None,
    client: str | None = None,
) -> User:
    """Change a user's role, name, kecamatan ("" clears it) or password; None keeps a value.

    The same checks as when the user was added. A new role, kecamatan or password ends the
    user's open sessions and tokens: they log in again under the new terms. The audit row
    names the fields changed, never their values.
    """
    user = user_by_name(session, username)
    new_role = user.role
    if role is not None:
        try:
            new_role = Role(role)
        except ValueError:
            raise UserError("role_invalid", roles=", ".join(r.value for r in Role)) from None
    if actor is not None and actor.id == user.id and new_role != user.role:
        raise UserError("cannot_change_own_role")
    district = user.district_code if district_code is None else (district_code.strip() or None)
    if new_role == Role.OFFICER and not district:
        raise UserError("officer_needs_district")
    if district and district != user.district_code and session.get(District, district) is None:
        raise UserError("district_unknown", code=district)
    changed = []
    if password is not None:
        try:
            user.password_hash = hash_password(password)
        except WeakPassword:
            raise UserError("password_short") from None
        changed.append("password")
    if new_role != user.role:
        user.role = new_role
        changed.append("role")
    if district != user.district_code:
        user.district_code = district
        changed.append("district_code")
    if full_name is not None and full_name.strip()[:120] != user.full_name:
        user.full_name = full_name.strip()[:120]
        changed.append("full_name")
    if not changed:
        return user
    session.add(user)
    if {"password", "role", "district_code"} & set(changed):
        revoke_user_credentials(session, user.id)
    audit.record(session, "update", "user", user.id, actor=actor, client=client, fields=changed)
    return user


def set_active(
    session: Session,
    username: str,
    active: bool,
    *,
    actor: User | None = None,
    client: str | None = None,
) -> User:
    user = user_by_name(session, username)
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
