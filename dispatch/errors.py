"""Errors a person can act on. Raised by services, turned into 4xx at the edge, translated."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. `key` names a message in dispatch/i18n.py."""

    status = 422

    def __init__(self, key: str, /, **params: object) -> None:
        # positional-only: a message may take a parameter called `key` (a place's key)
        super().__init__(key)
        self.key = key
        self.params = params


class NotFound(UserError):
    status = 404


class Conflict(UserError):
    status = 409


def retry_after(exc: UserError) -> dict[str, str]:
    """The Retry-After header for a refusal that a wait will lift (HTTP 429), else none."""
    if exc.status != 429:
        return {}
    return {"Retry-After": str(max(1, int(exc.params.get("seconds", 60))))}
