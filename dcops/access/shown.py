"""How the access pages and the door screen show a visit's window and the rooms to choose from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops import clock, i18n
from dcops.racks.models import Room


def window_text(starts: datetime, ends: datetime, timezone: str) -> str:
    """A visit's window as the reader writes it: "30-11-2026 09:00 – 17:00", with the end's day if it is another.
    (clock.window_text is the API's, in ISO.)"""
    return i18n.window(clock.local(starts, timezone), clock.local(ends, timezone))


def room_choices(db: Session) -> list[tuple[int, str]]:
    return [(r.id, f"{r.code} — {r.name}") for r in db.scalars(select(Room).order_by(Room.code))]
