"""The door screen (a kiosk for security), its answers, its offline side (feed, service worker, checks decided
offline) and the door log."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response
from litestar.params import FromPath, FromQuery, RawBody
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.access import door, door_feed
from dcops.access.api import answer
from dcops.access.models import Decision, Direction, DoorCheck
from dcops.access.schemas import CLIENT_ID, DoorCheckIn
from dcops.access.shown import room_choices, window_text
from dcops.auth.permissions import Perm
from dcops.customers.models import Breach
from dcops.db import utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _
from dcops.racks.models import Room
from dcops.web.forms import render, text_of
from dcops.web.helpers import actor, keyring, query_int, timezone
from dcops.web.problems import problem_response
from dcops.web.routes import Db, Form, get, post

READ = {"perm": Perm.access_read}
DOOR = {"perm": Perm.door_check}
TAGS = re.compile(r"[\s,;]+")
SCAN_ID = re.compile(CLIENT_ID)
SERVICE_WORKER = Path(__file__).resolve().parent.parent / "web" / "static" / "door-sw.js"


def _screen(template: str, db: Session, result: dict[str, Any] | None) -> Template:
    """The door screen (or its answer alone, for the screen's own request) with the words it shows offline."""
    rooms = db.scalars(select(Room).order_by(Room.code)).all()
    return render(template, rooms=rooms, result=result, texts=door_feed.texts())


class DoorPages(Controller):
    path = "/door"

    @get("/", name="door", opt=DOOR)
    def screen(self, request: Request, db: Db) -> Template:
        return _screen("access/door.html", db, None)

    @post("/check", name="door_check", opt=DOOR)
    def check(self, request: Request, db: Db, data: Form) -> Template:
        tags = [t for t in TAGS.split(text_of(data, "asset_tags")) if t]
        direction = Direction.check_out if data.get("direction") == "out" else Direction.check_in
        room_id = query_int(data.get("room_id"))
        if room_id is None:
            result: dict[str, Any] = {"error": _("Choose the door (room) this screen is at")}
        else:
            body = DoorCheckIn(
                code=str(data.get("code") or ""),
                room_id=room_id,
                direction=direction,
                asset_tags=[t[:50] for t in tags],
                client_id=scan_id if SCAN_ID.match(scan_id := str(data.get("client_id") or "")) else None,
            )
            try:
                outcome = door.check(db, body, actor(request), keyring(request), timezone(request))
                h = outcome.holder
                result = {
                    "answer": answer(outcome, timezone(request)),
                    # the window as the reader writes it (the API's answer keeps ISO)
                    "window": window_text(h.starts_at, h.ends_at, timezone(request)) if h else None,
                }
            except ValidationFailed as exc:
                result = {"error": "; ".join(exc.errors.values())}
            except Conflict as exc:
                result = {"error": str(exc)}
        template = "access/_door_result.html" if request.headers.get("hx-request") else "access/door.html"
        return _screen(template, db, result)

    @get("/feed", name="door_feed", opt=DOOR)
    def feed(self, request: Request, db: Db) -> Response[Any]:
        """What the screen needs to decide on its own while the server cannot be reached (dcops.access.door_feed)."""
        return Response(door_feed.feed(db, keyring(request), timezone(request), utcnow()))

    @post(
        "/offline",
        name="door_offline",
        opt={**DOOR, "reads_first": True, "body": door_feed.OfflineCheckIn},  # read from the raw body
        request_max_body_size=door_feed.MAX_BODY,
        status_code=201,
    )
    def offline(self, request: Request, db: Db, body: RawBody) -> Response[Any]:
        """A check the screen decided offline, posted once the server is back (JSON, the x-csrftoken header)."""
        try:
            checked = door_feed.parse(body)
            done = door_feed.record_offline(db, checked, actor(request), keyring(request), timezone(request), utcnow())
        except ValidationFailed as exc:
            return problem_response(request, 422, _("Some fields need attention"), str(exc), {"errors": exc.errors})
        return Response(
            {"id": checked.id, "check_id": done.check_id, "duplicate": done.duplicate},
            status_code=200 if done.duplicate else 201,
        )

    @get("/log", name="door_log", opt=READ)
    def log(
        self,
        db: Db,
        decision: FromQuery[str] = "",
        room_id: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        chosen = Decision(decision) if decision in ("allow", "deny") else None
        stmt = door.check_query(query_int(room_id), chosen)
        page = crud.screen_page(db, stmt, limit, offset)
        return render("access/door_log.html", page=page, decision=decision, room_id=room_id, rooms=room_choices(db))

    @get("/checks/{item_id:int}", name="door_check_detail", opt=READ)
    def detail(self, db: Db, item_id: FromPath[int]) -> Template:
        dc = crud.get(db, DoorCheck, item_id)
        open_breaches = []
        if dc.customer_id:
            open_breaches = db.scalars(
                select(Breach).where(Breach.customer_id == dc.customer_id, Breach.resolved_on.is_(None))
            ).all()
        return render("access/door_check.html", dc=dc, breaches=open_breaches)

    @post("/checks/{item_id:int}/breach", name="door_check_breach", opt={"perm": Perm.customers_write})
    def link_breach(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Redirect:
        dc = crud.get(db, DoorCheck, item_id)
        breach_id = query_int(data.get("breach_id"))
        breach = db.get(Breach, breach_id) if breach_id else None
        if breach_id is not None and (breach is None or breach.customer_id != dc.customer_id):
            raise ValidationFailed({"breach_id": _("Choose an open breach of this customer")})
        crud.update(db, dc, {"breach_id": breach_id}, actor=actor(request))
        return Redirect(f"/door/checks/{dc.id}")


@get("/door-sw.js", name="door_service_worker", opt={"perm": Perm.public}, media_type="text/javascript")
def service_worker() -> Response[bytes]:
    """The door screen's service worker, from the site's root so it may control /door (its scope). Public: it is
    the same script for everyone and holds no data; always asked again, so a new version takes over at once."""
    return Response(
        SERVICE_WORKER.read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/door"},
    )


DOOR_HANDLERS = [DoorPages, service_worker]
