"""The one place dcops reads the clock: rule dates are calendar days in the site's time zone."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from dcops.i18n import N_

NOT_A_ZONE = N_("%(zone)s is not a time zone: give its name, such as Europe/Amsterdam")


def today(timezone: str | None = None) -> date:
    return datetime.now(ZoneInfo(timezone or os.environ.get("DCOPS_TIMEZONE", "Europe/Amsterdam"))).date()


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str) -> bool:
    """A time zone name this system knows (Europe/Amsterdam, UTC): what NetBox asks of a site's time zone too,
    and what ZoneInfo can open (a name that is not one would fail every page that shows a time)."""
    return name in _zones()


def zone(timezone: str | None = None) -> ZoneInfo:
    return ZoneInfo(timezone or os.environ.get("DCOPS_TIMEZONE", "Europe/Amsterdam"))


def aware(value: datetime, timezone: str | None = None) -> datetime:
    """A time typed without a zone is the site's local time (what a person at the desk means)."""
    return value.replace(tzinfo=zone(timezone)) if value.tzinfo is None else value


def local(value: datetime, timezone: str | None = None) -> datetime:
    return value.astimezone(zone(timezone))


def day_span(day: date, timezone: str | None = None) -> tuple[datetime, datetime]:
    """The local calendar day as an aware [start, end) pair."""
    start = datetime.combine(day, time.min, zone(timezone))
    return start, start + timedelta(days=1)


def window_text(starts: datetime, ends: datetime, timezone: str | None = None) -> str:
    """ "2026-11-24 09:00 – 17:00", or with the end's date when it falls on another day."""
    a, b = local(starts, timezone), local(ends, timezone)
    end = b.strftime("%H:%M") if a.date() == b.date() else b.strftime("%Y-%m-%d %H:%M")
    return f"{a.strftime('%Y-%m-%d %H:%M')} – {end}"
