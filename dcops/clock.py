"""The one place dcops reads the clock: rule dates are calendar days in the site's time zone."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo


def today(timezone: str | None = None) -> date:
    return datetime.now(ZoneInfo(timezone or os.environ.get("DCOPS_TIMEZONE", "Europe/Amsterdam"))).date()


def zone(timezone: str | None = None) -> ZoneInfo:
    return ZoneInfo(timezone or os.environ.get("DCOPS_TIMEZONE", "Europe/Amsterdam"))


def aware(value: datetime, timezone: str | None = None) -> datetime:
    """A time typed without a zone is the site's local time (what a person at the desk means)."""
    return value.replace(tzinfo=zone(timezone)) if value.tzinfo is None else value


def local(value: datetime, timezone: str | None = None) -> datetime:
    return value.astimezone(zone(timezone))
