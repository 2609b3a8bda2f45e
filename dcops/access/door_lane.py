"""The door's own lane: `POST /api/door/checks` from a known token, answered without the framework around it.

A turnstile or gate controller scans all day through this one call, and the framework's machinery around a
request (routing, seven middleware layers, dependency injection, signature parsing, response building) cost
more CPU than the check itself. The lane sits in front of the app and answers the common case itself: a bearer
token resolved in the last second (dcops.auth.token_cache) whose role may check passes, a JSON body that decodes
to a DoorCheckIn and holds nothing the input guard refuses, a check that succeeds. The check is the same
`dcops.access.door.check`, in one session and transaction, and the answer is the same DoorAnswer, with the same
security headers.

Everything else goes the usual way, so the lane decides no error format of its own: an unknown or uncached
token, a body that does not decode or validate, any error inside the check (rolled back: nothing was kept) is
handed to the app with the body it sent, and the app answers exactly as it always does.
"""

from __future__ import annotations

import anyio.to_thread
import msgspec
from litestar import Litestar
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from msgspec import inspect

from dcops import i18n
from dcops.access import door
from dcops.access.api import DoorAnswer, answer
from dcops.access.schemas import DoorCheckIn
from dcops.auth.middleware import bearer_of
from dcops.auth.permissions import Perm, allows
from dcops.auth.service import CurrentUser, token_hash
from dcops.notices import site
from dcops.web.input_guard import refused_in_json
from dcops.web.locale import language_of

PATH = "/api/door/checks"
MAX_BODY = 64 * 1024  # a pass is a few hundred bytes; anything longer is left to the app's own limits
_ENCODER = msgspec.json.Encoder()
_SHAPE = inspect.type_info(DoorCheckIn)


class DoorLane:
    def __init__(self, app: Litestar, next_app: ASGIApp) -> None:
        self.app = app
        self.next_app = next_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.next_app(scope, receive, send)
            return
        body, more = await _read(receive)
        user = self._user(scope)
        plain = not more and not scope.get("query_string") and _json(scope)  # else the app's input guard looks
        data = _decoded(body) if user is not None and plain else None
        answered = None
        if data is not None and user is not None:
            language = language_of(scope, self.app.state.settings.language)
            answered = await anyio.to_thread.run_sync(self._check, data, user, language)
        if answered is None:
            await self.next_app(scope, _replay(body, more, receive), send)
            return
        # `send` is the app's own, wrapped with its before_send hooks: the security headers are added as always.
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answered)).encode())]
        await send({"type": "http.response.start", "status": 201, "headers": headers})
        await send({"type": "http.response.body", "body": answered})

    def _user(self, scope: Scope) -> CurrentUser | None:
        """The token's user if the last second resolved it and they may check passes; else None (the app decides)."""
        bearer = bearer_of(scope)
        if bearer is None:
            return None
        user = self.app.state.token_cache.get(token_hash(bearer))
        return user if user is not None and allows(user.role, Perm.door_check) else None

    def _check(self, data: DoorCheckIn, user: CurrentUser, language: str) -> bytes | None:
        """The check and its commit in this worker thread, or None when anything went wrong (all rolled back)."""
        state = self.app.state
        tz = state.settings.site_timezone
        with i18n.use(language), site.use(state.settings), state.session_maker() as db:
            try:
                result: DoorAnswer = answer(door.check(db, data, user.username, state.pass_keys, tz), tz)
                db.commit()
            except Exception:  # noqa: BLE001 — the app runs the call again and answers the error its own way
                db.rollback()  # and nothing else: a refusal's follow-up is the app's to record, once
                return None
        return _ENCODER.encode(result)


def _json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.split(b";")[0].strip().lower() == b"application/json"
    return False


def _decoded(body: bytes) -> DoorCheckIn | None:
    try:
        raw = msgspec.json.decode(body)
        if not isinstance(raw, dict) or refused_in_json(raw, _SHAPE):
            return None
        return msgspec.convert(raw, DoorCheckIn)
    except (msgspec.MsgspecError, RecursionError):  # msgspec refuses deep nesting with RecursionError
        return None


async def _read(receive: Receive) -> tuple[bytes, bool]:
    """The body up to MAX_BODY, and whether more is still to come (then the app reads the rest)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False
        if size > MAX_BODY:
            return b"".join(chunks), True


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    """A receive that hands the app what the lane read, then the rest of the request as it comes."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
