"""dcops.i18n: which language a reader gets, how amounts typed either way are read, how values are written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from dcops import i18n


@pytest.mark.parametrize(
    ("choice", "accept", "default", "expected"),
    [
        ("en", "nl-NL,nl;q=0.9", "nl", "en"),  # the reader's own choice wins
        (None, "nl-NL,nl;q=0.9,en;q=0.8", "en", "nl"),
        (None, "de-DE,de;q=0.9,en;q=0.5", "nl", "en"),  # the best one dcops speaks
        (None, "en;q=0.2,nl;q=0.8", "en", "nl"),  # weights, not order
        (None, "fr-FR", "nl", "nl"),  # nothing dcops speaks: the installation's language
        (None, None, "en", "en"),
        ("xx", "garbage;q=abc,,;", "nl", "nl"),  # nonsense is ignored, never an error
        (None, "en;q=0", "nl", "nl"),  # q=0 means "not this one"
    ],
)
def test_the_language_is_the_choice_else_the_browser_else_the_default(choice, accept, default, expected):
    assert i18n.negotiate(choice, accept, default) == expected


@pytest.mark.parametrize(
    ("typed", "language", "cents"),
    [
        ("1210,50", "nl", 121050),
        ("1210.50", "nl", 121050),
        ("1.210,50", "nl", 121050),
        ("1,210.50", "nl", 121050),
        ("€ 1.210,50", "nl", 121050),
        ("1.210", "nl", 121000),  # Dutch grouping
        ("1,210", "en", 121000),  # English grouping
        ("1,5", "en", 150),
        ("1.210.000", "nl", 121000000),
        ("12", "en", 1200),
    ],
)
def test_amounts_typed_either_languages_way_are_read(typed, language, cents):
    with i18n.use(language):
        assert i18n.parse_cents(typed) == cents


@pytest.mark.parametrize(
    ("typed", "language"),
    [("1.210", "en"), ("1,210", "nl"), ("1,2345", "nl"), ("1.2.3,4,5", "nl"), ("12,34.56,7", "en"), ("", "nl"),
     ("abc", "en"), ("-5", "nl"), ("1.21,0", "nl"), ("9" * 40, "nl")],
)  # fmt: skip
def test_what_is_no_amount_is_refused_rather_than_guessed(typed, language):
    with i18n.use(language):
        assert i18n.parse_cents(typed) is None


def test_values_are_written_in_the_readers_locale():
    moment = datetime(2026, 11, 30, 13, 5, tzinfo=UTC)
    amsterdam = ZoneInfo("Europe/Amsterdam")
    with i18n.use("nl"):
        assert i18n.money(121050) == "€\xa01.210,50"  # a space that never breaks the amount apart
        assert i18n.day(date(2026, 11, 30)) == "30-11-2026"
        assert i18n.moment(moment, amsterdam) == "30-11-2026 14:05"
        assert i18n.number(12345) == "12.345"
    with i18n.use("en"):
        assert i18n.money(121050) == "€1,210.50"
        assert i18n.day(date(2026, 11, 30)) == "30/11/2026"
        assert i18n.moment(moment, amsterdam) == "30/11/2026 14:05"
        assert i18n.number(12345) == "12,345"


def test_messages_come_in_the_readers_language_with_their_values():
    with i18n.use("nl"):
        assert i18n._("Must be at least %(n)s", n=3) == "Moet ten minste 3 zijn"
        assert i18n._("Sign out") == "Afmelden"
    with i18n.use("en"):
        assert i18n._("Must be at least %(n)s", n=3) == "Must be at least 3"
    assert i18n._("a message the catalogue does not have") == "a message the catalogue does not have"


def test_days_outside_the_calendar_dcops_takes_are_not_read():
    """Year 9999 plus a day, or year 1 in UTC, is beyond Python's dates: such a day is not one dcops takes."""
    assert i18n.parse_day("31-12-2999") == date(2999, 12, 31) and i18n.parse_day("1900-01-01") == date(1900, 1, 1)
    for text in ("01-01-3000", "31-12-1899", "0001-01-01", "9999-12-31"):
        assert i18n.parse_day(text) is None, text
    assert i18n.parse_moment("31-12-9999 23:59") is None


def test_a_span_of_time_writes_its_day_once_when_it_ends_on_the_day_it_starts():
    ams = ZoneInfo("Europe/Amsterdam")
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
    with i18n.use("nl"):
        assert i18n.window(start, datetime(2026, 12, 1, 16, 0, tzinfo=UTC), ams) == "01-12-2026 09:00 – 17:00"
        # 23:30 UTC is the next day in Amsterdam: the end's day is written
        late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
        assert i18n.window(start, late, ams) == "01-12-2026 09:00 – 02-12-2026 00:30"
