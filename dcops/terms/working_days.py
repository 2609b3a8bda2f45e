"""Working days (werkdagen, Art. 1.14) and the notice planned maintenance needs (Art. 18.3, rule R4).

"Werkdagen: de dagen van maandag tot en met vrijdag, met uitzondering van officiële Nederlandse feestdagen en andere
dagen waarvan Leverancier vooraf heeft aangegeven gesloten te zijn." — "Leverancier zal zich inspannen om geplande
onderhoudswerkzaamheden ... ten minste twee Werkdagen van tevoren aan te kondigen. Spoedonderhoud kan echter op
ieder moment worden uitgevoerd, ook zonder voorafgaande aankondiging richting Klant."

How dcops reads it:

- **Official Dutch public holidays** are the days the Dutch government lists as official holidays (rijksoverheid.nl,
  "officiële feestdagen"), taken from the `holidays` package (its NL public and optional categories together, which
  are that list in every version of the package): New Year's Day, Good Friday, Easter Sunday and Monday, King's Day
  (27 April, or Saturday 26 April when the 27th is a Sunday: never moved to a Monday), Liberation Day (5 May, every
  year: the Algemene termijnenwet names it every year, although many collective agreements give it off only every
  fifth), Ascension Day, Whit Sunday and Monday, Christmas Day and Boxing Day. Counting a doubtful day as a holiday
  only lengthens the notice a customer gets, never shortens it.
- **Closure days** are days the supplier announced in advance that it is closed. A closure counts only for an
  announcement made on or after the day the closure itself was announced (`Closure.announced_on`): a maintenance
  announced before the supplier made a closure known keeps the working days it was announced with.
- **Two working days ahead**: the announcement reaches the customer at the first moment of office hours
  (`DCOPS_OFFICE_HOURS`, default 08:30–17:30) at or after it is sent, and that working day is the first day of the
  notice. The second is the next working day; the maintenance may start from the day after that second working day
  (any time of day, a weekend or holiday included). So an announcement on a Monday at 10:00 (or at 07:00: it is read
  when the office opens) counts Monday and Tuesday, and the earliest start is Wednesday. Sent at or after 17:30, or on
  a day that is not a working day, it counts from the next working day: Monday at 17:30 counts Tuesday and Wednesday,
  the earliest start is Thursday; Friday evening, Saturday or Sunday count Monday and Tuesday, the earliest start is
  Wednesday. Office hours are a half-open interval: 08:30 is in, 17:30 is out. (An announcement before opening
  counts that same day: counting it from the next day would give an announcement made earlier a later start.)
- **Emergency maintenance** (spoedonderhoud) may start at any time, also before it is announced; its reason is
  recorded and it is announced as soon as possible, even afterwards.

No database, no clock in here: the announcement's moment, the closures and the office hours are parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from dcops.i18n import _, current, day, moment, weekday
from dcops.terms.verdict import Reason, Verdict

NOTICE_WORKING_DAYS = 2  # Art. 18.3: "ten minste twee Werkdagen van tevoren"
ARTICLE = "18.3, 1.14"
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Closure:
    """A day the supplier announced it is closed (Art. 1.14), and the day it announced that."""

    day: date
    announced_on: date
    reason: str = ""


@dataclass(frozen=True)
class OfficeHours:
    """The supplier's office hours on working days (kantooruren): [opens, closes)."""

    opens: time = time(8, 30)
    closes: time = time(17, 30)

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """ "08:30-17:30" (DCOPS_OFFICE_HOURS); ValueError for anything else or an empty day."""
        m = _HOURS.match(text)
        if m is None:
            raise ValueError(f"office hours must look like 08:30-17:30, not {text!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"office hours must look like 08:30-17:30, not {text!r}")
        hours = cls(time(h1, m1), time(h2, m2))
        if hours.opens >= hours.closes:
            raise ValueError(f"office hours must open before they close, not {text!r}")
        return hours

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"


@cache
def _holidays(year: int, language: str) -> dict[date, str]:
    import holidays  # only where a working day is asked: it takes a while to import

    found = holidays.country_holidays(
        "NL",
        years=year,
        categories=(holidays.PUBLIC, holidays.OPTIONAL),
        language="nl" if language == "nl" else "en_US",
    )
    return dict(found.items())


def public_holiday(value: date) -> str | None:
    """The official Dutch public holiday on `value`, by its name in the reader's language; None on other days."""
    return _holidays(value.year, current()).get(value)


def _closure(value: date, closures: Iterable[Closure], as_of: date | None) -> Closure | None:
    return next((c for c in closures if c.day == value and (as_of is None or c.announced_on <= as_of)), None)


def not_working(value: date, closures: Iterable[Closure] = (), as_of: date | None = None) -> str | None:
    """Why `value` is not a working day (a weekend day, a public holiday, an announced closure), or None when it
    is one. A closure counts only for announcements made on or after its own `announced_on` (`as_of`: the day of
    the announcement being judged; None counts every closure given)."""
    if value.weekday() >= 5:
        return weekday(value)
    if (name := public_holiday(value)) is not None:
        return name
    if (closure := _closure(value, closures, as_of)) is not None:
        return _("closed: %(reason)s", reason=closure.reason) if closure.reason else _("closed")
    return None


def is_working_day(value: date, closures: Iterable[Closure] = (), as_of: date | None = None) -> bool:
    """Art. 1.14: Monday to Friday, not an official Dutch public holiday, not a closure announced by `as_of`."""
    return not_working(value, tuple(closures), as_of) is None


def next_working_day(value: date, closures: Iterable[Closure] = (), as_of: date | None = None) -> date:
    """The first working day after `value`."""
    closures = tuple(closures)
    found = value + timedelta(days=1)
    while not is_working_day(found, closures, as_of):
        found += timedelta(days=1)
    return found


def working_days_between(first: date, last: date, closures: Iterable[Closure] = (), as_of: date | None = None) -> int:
    """The working days from `first` up to, not including, `last` (0 when `last` is not after `first`)."""
    closures = tuple(closures)
    return sum(is_working_day(first + timedelta(days=n), closures, as_of) for n in range((last - first).days))


def counts_from(announced_at: datetime, closures: Iterable[Closure], hours: OfficeHours, tz: ZoneInfo) -> date:
    """The working day an announcement counts from: its own day when sent on a working day before the office
    closes, else the next working day. Closures count as the announcement's day knew them."""
    closures = tuple(closures)
    local = announced_at.astimezone(tz)
    as_of = local.date()
    if is_working_day(as_of, closures, as_of) and local.time() < hours.closes:
        return as_of
    return next_working_day(as_of, closures, as_of)


def earliest_start(announced_at: datetime, closures: Iterable[Closure], hours: OfficeHours, tz: ZoneInfo) -> date:
    """R4: the first day planned maintenance announced at `announced_at` may start (at any time of that day): the
    day after the second working day of the notice."""
    closures = tuple(closures)
    as_of = announced_at.astimezone(tz).date()
    last = counts_from(announced_at, closures, hours, tz)
    for _n in range(NOTICE_WORKING_DAYS - 1):
        last = next_working_day(last, closures, as_of)
    return last + timedelta(days=1)


def _skipped(first: date, last: date, closures: tuple[Closure, ...], as_of: date) -> str:
    """The weekdays from `first` to before `last` that are no working day, with why: what lengthened the notice."""
    days = (first + timedelta(days=n) for n in range((last - first).days))
    found = [(d, not_working(d, closures, as_of)) for d in days if d.weekday() < 5]
    return ", ".join(f"{day(d)} ({why})" for d, why in found if why)


def _emergency(reason: str) -> Reason:
    return Reason("R4", "18.3", _("Emergency maintenance may start at any time: %(reason)s", reason=reason))


def maintenance_notice(
    announced_at: datetime,
    start: datetime,
    emergency_reason: str | None,
    closures: Iterable[Closure],
    hours: OfficeHours,
    tz: ZoneInfo,
) -> Verdict:
    """R4, Art. 18.3 and 1.14: planned maintenance announced at `announced_at` may start at `start` only when that
    is at least two working days ahead (`earliest_start`); emergency maintenance (a reason given) at any time."""
    if emergency_reason and emergency_reason.strip():
        return Verdict.allow(_emergency(emergency_reason))
    closures = tuple(closures)
    first = counts_from(announced_at, closures, hours, tz)
    earliest = earliest_start(announced_at, closures, hours, tz)
    facts = {
        "announced": moment(announced_at, tz),
        "first": f"{weekday(first)} {day(first)}",
        "earliest": f"{weekday(earliest)} {day(earliest)}",
        "start": moment(start, tz),
    }
    if start.astimezone(tz).date() >= earliest:
        return Verdict.allow(
            Reason(
                "R4",
                ARTICLE,
                _(
                    "Announced %(announced)s, counting from %(first)s: the start %(start)s is at least two working "
                    "days ahead (the earliest start is %(earliest)s)",
                    **facts,
                ),
            )
        )
    message = _(
        "Planned maintenance is announced at least two working days ahead: announced %(announced)s, the notice "
        "counts from %(first)s, so the earliest start is %(earliest)s, not %(start)s. Move the start, or record it as "
        "emergency maintenance with its reason",
        **facts,
    )
    sent_on = announced_at.astimezone(tz).date()
    if skipped := _skipped(sent_on, earliest, closures, sent_on):
        message += " " + _("(not working days: %(days)s)", days=skipped)
    return Verdict.deny(Reason("R4", ARTICLE, message))


def may_start(
    now: datetime, starts_at: datetime, announced: bool, emergency_reason: str | None, tz: ZoneInfo
) -> Verdict:
    """R4: planned maintenance starts only once announced and not before the start it was announced with (starting
    earlier would cut the notice the customers were given); emergency maintenance at any time, announced or not."""
    if emergency_reason and emergency_reason.strip():
        return Verdict.allow(_emergency(emergency_reason))
    if not announced:
        return Verdict.deny(
            Reason(
                "R4",
                ARTICLE,
                _(
                    "Planned maintenance starts only after it was announced to the customers it affects, at least two "
                    "working days ahead; announce it first (or record it as emergency maintenance with its reason)"
                ),
            )
        )
    if now < starts_at:
        return Verdict.deny(
            Reason(
                "R4",
                ARTICLE,
                _(
                    "It was announced to start at %(start)s: starting earlier cuts the notice the customers were given",
                    start=moment(starts_at, tz),
                ),
            )
        )
    return Verdict.allow()
