"""Working days (Art. 1.14) and the notice of planned maintenance (Art. 18.3, rule R4), at every boundary: office
hours, weekends, each Dutch public holiday that falls on a weekday, and closure days announced before and after."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dcops.i18n import use
from dcops.terms.working_days import (
    Closure,
    OfficeHours,
    counts_from,
    earliest_start,
    is_working_day,
    maintenance_notice,
    may_start,
    next_working_day,
    not_working,
    public_holiday,
    working_days_between,
)

TZ = ZoneInfo("Europe/Amsterdam")
HOURS = OfficeHours()


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


def earliest(moment: datetime, closures: tuple[Closure, ...] = (), hours: OfficeHours = HOURS) -> date:
    return earliest_start(moment, closures, hours, TZ)


def test_r4_announced_on_a_monday_in_office_hours_the_earliest_start_is_wednesday():
    """The issue's example: Monday and Tuesday are the two working days; the work may start on Wednesday."""
    monday = at(2026, 3, 2, 10)
    assert counts_from(monday, (), HOURS, TZ) == date(2026, 3, 2)
    assert earliest(monday) == date(2026, 3, 4)
    on_time = maintenance_notice(monday, at(2026, 3, 4, 0, 0), None, (), HOURS, TZ)
    assert on_time.allowed and on_time.reasons[0].rule == "R4"
    late = maintenance_notice(monday, at(2026, 3, 3, 23, 59), None, (), HOURS, TZ)
    assert not late.allowed
    (reason,) = late.reasons
    assert (reason.rule, reason.article) == ("R4", "18.3, 1.14")
    assert "at least two working days ahead" in reason.message and "Wednesday 04/03/2026" in reason.message


@pytest.mark.parametrize(
    ("hh", "mm", "ss", "first", "earliest_day"),
    [
        (0, 0, 0, 2, 4),  # before the office opens: read when it opens, that same day
        (8, 29, 59, 2, 4),
        (8, 30, 0, 2, 4),  # opening: in office hours
        (17, 29, 59, 2, 4),
        (17, 30, 0, 3, 5),  # closing: office hours are [08:30, 17:30), so this counts from Tuesday
        (23, 59, 59, 3, 5),
    ],
)
def test_r4_office_hours_boundaries_decide_the_first_day_of_the_notice(hh, mm, ss, first, earliest_day):
    moment = at(2026, 3, 2, hh, mm, ss)
    assert counts_from(moment, (), HOURS, TZ) == date(2026, 3, first)
    assert earliest(moment) == date(2026, 3, earliest_day)


def test_r4_an_earlier_announcement_never_gives_a_later_start():
    """Over a whole week, minute by minute at the boundaries' hours: the earliest start only ever moves forward."""
    moment, last = at(2026, 3, 1, 0, 0), date.min
    while moment < at(2026, 3, 9, 0, 0):
        found = earliest(moment)
        assert found >= last, moment
        last = found
        moment += timedelta(minutes=15)


def test_r4_other_office_hours_from_the_setting():
    hours = OfficeHours.parse("09:00-17:00")
    assert str(hours) == "09:00–17:00"
    assert earliest(at(2026, 3, 2, 17, 15), hours=hours) == date(2026, 3, 5)
    assert earliest(at(2026, 3, 2, 16, 59), hours=hours) == date(2026, 3, 4)
    for wrong in ("17:00-09:00", "9-5", "08:30", "25:00-26:00", "08:30-08:30"):
        with pytest.raises(ValueError):
            OfficeHours.parse(wrong)


def test_r4_the_office_hours_are_the_site_s_local_time_in_winter_and_summer():
    winter_after = datetime(2026, 3, 2, 16, 45, tzinfo=UTC)  # 17:45 in Amsterdam (CET)
    winter_before = datetime(2026, 3, 2, 16, 15, tzinfo=UTC)  # 17:15
    assert counts_from(winter_after, (), HOURS, TZ) == date(2026, 3, 3)
    assert counts_from(winter_before, (), HOURS, TZ) == date(2026, 3, 2)
    summer_after = datetime(2026, 6, 29, 15, 45, tzinfo=UTC)  # 17:45 (CEST)
    summer_before = datetime(2026, 6, 29, 15, 15, tzinfo=UTC)  # 17:15
    assert counts_from(summer_after, (), HOURS, TZ) == date(2026, 6, 30)
    assert counts_from(summer_before, (), HOURS, TZ) == date(2026, 6, 29)


def test_r4_a_weekend_is_no_working_day():
    assert not is_working_day(date(2026, 3, 7)) and not is_working_day(date(2026, 3, 8))
    assert is_working_day(date(2026, 3, 6)) and is_working_day(date(2026, 3, 9))
    assert earliest(at(2026, 3, 5, 10)) == date(2026, 3, 7)  # Thursday and Friday: the work may start on Saturday
    assert earliest(at(2026, 3, 6, 17, 0)) == date(2026, 3, 10)  # Friday and Monday
    assert earliest(at(2026, 3, 6, 17, 30)) == date(2026, 3, 11)  # Friday evening counts from Monday
    assert earliest(at(2026, 3, 7, 10)) == date(2026, 3, 11)  # so does Saturday
    assert earliest(at(2026, 3, 8, 23)) == date(2026, 3, 11)  # and Sunday
    assert next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)


def test_r4_easter_good_friday_and_easter_monday():
    assert public_holiday(date(2026, 4, 3)) == "Good Friday"
    assert public_holiday(date(2026, 4, 6)) == "Easter Monday"
    assert not is_working_day(date(2026, 4, 3)) and not is_working_day(date(2026, 4, 6))
    assert is_working_day(date(2026, 4, 7))
    # Thursday counts, then Tuesday after Easter: the earliest start is Wednesday 8 April.
    thursday = at(2026, 4, 2, 12)
    assert earliest(thursday) == date(2026, 4, 8)
    verdict = maintenance_notice(thursday, at(2026, 4, 7, 9), None, (), HOURS, TZ)
    assert not verdict.allowed
    assert "03/04/2026 (Good Friday)" in verdict.reasons[0].message
    assert "06/04/2026 (Easter Monday)" in verdict.reasons[0].message
    assert working_days_between(date(2026, 3, 30), date(2026, 4, 7)) == 4  # Mon 30 March to Thu 2 April


def test_r4_king_s_day_on_the_27th_and_on_saturday_the_26th_when_the_27th_is_a_sunday():
    assert public_holiday(date(2026, 4, 27)) == "King's Day" and not is_working_day(date(2026, 4, 27))
    assert earliest(at(2026, 4, 24, 10)) == date(2026, 4, 29)  # Friday, then Tuesday 28: Monday 27 is King's Day
    # 2025: the 27th is a Sunday, so King's Day is Saturday 26 April, never moved to Monday 28.
    assert public_holiday(date(2025, 4, 26)) == "King's Day"
    assert public_holiday(date(2025, 4, 27)) is None and public_holiday(date(2025, 4, 28)) is None
    assert is_working_day(date(2025, 4, 28))
    assert earliest(at(2025, 4, 25, 10)) == date(2025, 4, 29)  # Friday and Monday 28


def test_r4_liberation_day_counts_every_year_not_only_every_fifth():
    for day in (date(2025, 5, 5), date(2026, 5, 5), date(2027, 5, 5)):
        assert public_holiday(day) == "Liberation Day" and not is_working_day(day)
    assert earliest(at(2026, 5, 4, 10)) == date(2026, 5, 7)  # Monday, then Wednesday 6 May


def test_r4_ascension_day_and_whit_monday():
    assert public_holiday(date(2026, 5, 14)) == "Ascension Day"
    assert earliest(at(2026, 5, 13, 10)) == date(2026, 5, 16)  # Wednesday and Friday
    assert public_holiday(date(2026, 5, 25)) in ("Whit Monday", "Pentecost Monday")  # the package renamed it once
    assert earliest(at(2026, 5, 22, 10)) == date(2026, 5, 27)  # Friday and Tuesday 26 May


def test_r4_christmas_and_boxing_day():
    assert public_holiday(date(2025, 12, 25)) == "Christmas Day" and public_holiday(date(2025, 12, 26))
    assert earliest(at(2025, 12, 24, 10)) == date(2025, 12, 30)  # Wednesday 24, then Monday 29
    assert earliest(at(2026, 12, 24, 10)) == date(2026, 12, 29)  # Thursday 24, then Monday 28
    assert working_days_between(date(2025, 12, 22), date(2026, 1, 5)) == 7  # without 25, 26 Dec and 1 Jan


def test_r4_a_closure_counts_only_for_announcements_made_on_or_after_it_was_announced():
    tuesday = date(2026, 3, 3)
    monday = at(2026, 3, 2, 10)
    known_before = (Closure(tuesday, announced_on=date(2026, 2, 20), reason="company day"),)
    known_that_day = (Closure(tuesday, announced_on=date(2026, 3, 2), reason="company day"),)
    known_after = (Closure(tuesday, announced_on=date(2026, 3, 3), reason="company day"),)
    assert earliest(monday, known_before) == date(2026, 3, 5)  # Monday, then Wednesday
    assert earliest(monday, known_that_day) == date(2026, 3, 5)
    assert earliest(monday) == earliest(monday, known_after) == date(2026, 3, 4)  # announced later: no effect
    assert not_working(tuesday, known_before, as_of=date(2026, 3, 2)) == "closed: company day"
    assert is_working_day(tuesday, known_after, as_of=date(2026, 3, 2))
    refused = maintenance_notice(monday, at(2026, 3, 4, 9), None, known_before, HOURS, TZ)
    assert not refused.allowed and "03/03/2026 (closed: company day)" in refused.reasons[0].message
    # A closure on the day of the announcement itself makes it count from the next working day.
    closed_monday = (Closure(date(2026, 3, 2), announced_on=date(2026, 2, 27)),)
    assert counts_from(monday, closed_monday, HOURS, TZ) == tuesday
    assert earliest(monday, closed_monday) == date(2026, 3, 5)


def test_r4_emergency_maintenance_may_start_at_any_time_with_its_reason():
    now = at(2026, 4, 3, 3, 0)  # Good Friday, at night
    verdict = maintenance_notice(now, now - timedelta(hours=1), "UPS-B is on fire", (), HOURS, TZ)
    assert verdict.allowed
    assert verdict.reasons[0].rule == "R4" and verdict.reasons[0].article == "18.3"
    assert "UPS-B is on fire" in verdict.reasons[0].message
    assert not maintenance_notice(now, now + timedelta(hours=1), "  ", (), HOURS, TZ).allowed  # a blank reason is none


def test_r4_planned_maintenance_starts_only_once_announced_and_not_before_its_start():
    start = at(2026, 3, 10, 22)
    not_announced = may_start(start, start, False, None, TZ)
    assert not not_announced.allowed and not_announced.reasons[0].rule == "R4"
    early = may_start(start - timedelta(minutes=1), start, True, None, TZ)
    assert not early.allowed and "10/03/2026 22:00" in early.reasons[0].message
    assert may_start(start, start, True, None, TZ).allowed
    assert may_start(start - timedelta(days=3), start, False, "fibre cut", TZ).allowed


def test_r4_messages_in_dutch_name_the_days_in_dutch():
    with use("nl"):
        verdict = maintenance_notice(at(2026, 4, 2, 12), at(2026, 4, 7, 9), None, (), HOURS, TZ)
        assert public_holiday(date(2026, 4, 6)).lower() == "tweede paasdag"
    message = verdict.reasons[0].message
    assert "woensdag 08-04-2026" in message and "06-04-2026 (tweede paasdag)" in message.lower()


def test_r4_working_days_between_is_half_open():
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 5
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == 0
    assert time(8, 30) == HOURS.opens and time(17, 30) == HOURS.closes
