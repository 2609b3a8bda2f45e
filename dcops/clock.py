"""The one place dcops reads the clock: rule dates are calendar days in the site's time zone."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo


def today(timezone: str | None = None) -> date:
    return datetime.now(ZoneInfo(timezone or os.environ.get("DCOPS_TIMEZONE", "Europe/Amsterdam"))).date()
