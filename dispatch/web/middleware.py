"""Request logging and security headers as a plain ASGI middleware (cheap on the hot path)."""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("jangkau.http")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),  # the planning page frames its own map
]


class RequestLog:
    """One structured line per request: method, route template, status, time. No values."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error", extra={"method": scope["method"]})
            raise
        finally:
            route = scope.get("route")
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": getattr(route, "path", "-"),  # the template, never query values
                    "status": status,
                    "ms": round((time.perf_counter() - start) * 1000, 1),
                },
            )


class RefuseNul:
    """A NUL character belongs in no field: PostgreSQL cannot store one, and the error it
    raised used to end as a 500. Refused with a 422 before anything reads the request, on
    every database alike: in the query string, a JSON body (as \\u0000) or a form (%00)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope["path"]:
            await _refuse(scope, send)
            return
        kind = b""
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):  # no body to read
            kind = dict(scope.get("headers", [])).get(b"content-type", b"")
        if not (b"json" in kind or b"x-www-form-urlencoded" in kind):
            await self.app(scope, receive, send)
            return
        marks = (b"\\u0000", b"\x00") if b"json" in kind else (b"%00", b"\x00")
        chunks, message = [], {"more_body": True}
        while message.get("more_body", False):
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
        body = b"".join(chunks)
        if any(m in body for m in marks):
            await _refuse(scope, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _refuse(scope: Scope, send: Send) -> None:
    from dispatch.i18n import translate

    headers = dict(scope.get("headers", []))
    lang = "en" if headers.get(b"accept-language", b"").startswith(b"en") else "id"
    body = json.dumps({"detail": translate("invalid_characters", lang)}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", b"application/json"), *SECURITY_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})
