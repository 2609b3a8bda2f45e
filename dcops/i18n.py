"""Dutch and English: the reader's language for this request, the catalogue, and formatting through Babel.

Messages are written in English in the code and the templates (`_("…")`, `{% trans %}`); the Dutch catalogue
(`dcops/locale/nl/LC_MESSAGES/messages.po`, read and compiled in memory on first use) holds their Dutch in the words
of the general terms (shared/terms/GLOSSARY.md). The language is a context variable: the locale middleware sets it
per request (the reader's choice, else the browser's Accept-Language, else DCOPS_LANGUAGE), commands run in
the installation's default (DCOPS_LANGUAGE), and threads started for a request inherit it.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache, lru_cache
from gettext import NullTranslations
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT = "nl"
COOKIE = "dcops_lang"  # the reader's own choice, kept a year
# English screens format as in Britain (30/11/2026, €1,210.50, 14:05): day first and a 24-hour clock, as the floor
# reads them; American order would turn 03/04 into a different day.
FORMAT_LOCALES = {"nl": "nl_NL", "en": "en_GB"}
CATALOGUES = Path(__file__).resolve().parent / "locale"

_language: ContextVar[str | None] = ContextVar("dcops_language", default=None)
# Where no request set one (commands, threads of their own): the installation's language.
_default = os.environ.get("DCOPS_LANGUAGE", DEFAULT).strip().lower()
_default = _default if _default in LANGUAGES else DEFAULT


def current() -> str:
    return _language.get() or _default


@contextmanager
def use(language: str) -> Iterator[None]:
    """Speak `language` within the block: a notice in the customer's language, a test."""
    token = _language.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _language.reset(token)


def negotiate(choice: str | None, accept_language: str | None, default: str) -> str:
    """The reader's choice if it is a language dcops speaks, else the browser's best one, else the default."""
    if choice in LANGUAGES:
        return choice
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().split("-")[0].lower()
        if language not in LANGUAGES:
            continue
        q = 1.0
        if (m := re.search(r"q=([0-9.]+)", params)) is not None:
            try:
                q = float(m.group(1))
            except ValueError:
                continue
        if q > 0 and (best is None or (q, -position) > (best[0], best[1])):
            best = (q, -position, language)
    return best[2] if best is not None else (default if default in LANGUAGES else DEFAULT)


@cache
def catalogue(language: str) -> NullTranslations:
    """English is the source language: no catalogue. Dutch from its .po file, compiled once per process."""
    path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    if language == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as f:
        po = read_po(f, locale=language)
    mo = io.BytesIO()
    write_mo(mo, po, use_fuzzy=False)
    mo.seek(0)
    return Translations(mo)


def gettext(message: str) -> str:
    return catalogue(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(current()).ngettext(singular, plural, n)


def _(message: str, /, **params: object) -> str:
    """The message in the reader's language, its %(name)s placeholders filled in."""
    text = gettext(message)
    return text % params if params else text


def sentence(text: str) -> str:
    """The first letter upper case: a message that starts with a word put in ("%(what)s saved")."""
    return text[:1].upper() + text[1:]


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined (a module constant); `_()` translates it where shown."""
    return message


def _locale() -> str:
    return FORMAT_LOCALES[current()]


def money(cents: int | None, currency: str = "EUR") -> str:
    """1210.50 euros as "€ 1.210,50" (Dutch) or "€1,210.50" (English)."""
    return format_currency(Decimal(cents or 0) / 100, currency, locale=_locale())


def amount(cents: int | None) -> str:
    """1210.50 as "1.210,50" (Dutch) or "1,210.50" (English)."""
    return format_decimal(Decimal(cents or 0) / 100, format="#,##0.00", locale=_locale())


def number(value: int | float | Decimal | None) -> str:
    return "" if value is None else _number(value, _locale())


@lru_cache(maxsize=8192, typed=True)  # 1 and 1.0 are equal keys, yet may not print the same
def _number(value: int | float | Decimal, locale: str) -> str:
    """Babel parses the locale and the pattern at every call: a list of 300 racks asks it 600 times per page."""
    return format_decimal(value, locale=locale)


def day(value: date | None) -> str:
    """30-11-2026 (Dutch) or 30/11/2026 (English)."""
    return "" if value is None else format_date(value, "short", locale=_locale())


def long_day(value: date | None) -> str:
    """30 nov 2026 / 30 Nov 2026: where a day is read aloud or printed."""
    return "" if value is None else format_date(value, "medium", locale=_locale())


def weekday(value: date) -> str:
    """Its day of the week: "maandag" / "Monday"."""
    return format_date(value, "EEEE", locale=_locale())


def clock_time(value: datetime, tz: tzinfo | None = None) -> str:
    return format_time(value.astimezone(tz) if tz else value, "HH:mm", locale=_locale())


def moment(value: datetime | None, tz: tzinfo | None = None) -> str:
    """A date and time in the site's time zone: "30-11-2026 14:05"."""
    if value is None:
        return ""
    local = value.astimezone(tz) if tz else value
    return f"{day(local.date())} {clock_time(local)}"


def window(starts: datetime, ends: datetime, tz: tzinfo | None = None) -> str:
    """A span of time as the reader writes it: "30-11-2026 09:00 – 17:00", with the end's day if it is another."""
    a, b = (starts.astimezone(tz), ends.astimezone(tz)) if tz else (starts, ends)
    return f"{moment(a)} – {clock_time(b) if a.date() == b.date() else moment(b)}"


EXAMPLE_DAY = date(2026, 11, 30)  # shown in "Must be a date like 30-11-2026"
# The days dcops takes from anyone: any contract's, invoice's or visit's fits, and every sum of days and change of
# time zone made with them stays inside what Python's dates hold (years 1 to 9999; year 9999 overflowed there).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")  # 30-11-2026, 30/11/2026, 30.11.2026: day first
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")


def parse_day(text: str) -> date | None:
    """A day typed either language's way ("30-11-2026", "30/11/2026") or as ISO ("2026-11-30"); None otherwise,
    and outside FIRST_DAY to LAST_DAY. Day first always: both languages write it so, and a guess between 03/04 and
    04/03 is never made."""
    s = text.strip()
    if m := _ISO_DAY.match(s):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _DAY.match(s):
        d, mo, y = (int(g) for g in m.groups())
    else:
        return None
    try:
        found = date(y, mo, d)
    except ValueError:
        return None
    return found if FIRST_DAY <= found <= LAST_DAY else None


def outside_the_calendar() -> str:
    """The message for a day before FIRST_DAY or after LAST_DAY."""
    return _("Must be a day from %(first)s to %(last)s", first=day(FIRST_DAY), last=day(LAST_DAY))


def parse_moment(text: str) -> datetime | None:
    """A day and a time of day ("30-11-2026 14:05", "2026-11-30T14:05"), naive: in the site's time; None otherwise."""
    s = text.strip().replace("T", " ", 1)
    day_part, _, time_part = s.partition(" ")
    found_day, found_time = parse_day(day_part), _TIME.match(time_part.strip())
    if found_day is None or found_time is None:
        return None
    h, mi, sec = int(found_time.group(1)), int(found_time.group(2)), int(found_time.group(3) or 0)
    if h > 23 or mi > 59 or sec > 59:
        return None
    return datetime(found_day.year, found_day.month, found_day.day, h, mi, sec)


def day_hint() -> str:
    """How a day is typed, for a field's placeholder: "dd-mm-jjjj" / "dd/mm/yyyy"."""
    return _("dd/mm/yyyy")


_DIGITS = re.compile(r"^\d+$")


def parse_cents(text: str) -> int | None:
    """An amount typed in either language's way as cents: "1210,50", "1.210,50", "1,210.50", "1210.50", "€ 1210".

    With both separators the last one is the decimal mark. With one separator followed by exactly three digits
    ("1.210") the reader's language decides: grouping in Dutch, in English the same for a comma ("1,210"); the other
    reading would be three decimals, which an amount never has. None: not an amount with at most two decimals.
    """
    s = text.replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "").strip()
    if not s or len(s) > 30:
        return None
    marks = [c for c in s if c in ".,"]
    group = "." if current() == "nl" else ","
    if not marks:
        whole, fraction = s, ""
    elif len(set(marks)) == 2:
        decimal_mark = s[max(s.rfind("."), s.rfind(","))]
        other = "," if decimal_mark == "." else "."
        if s.count(decimal_mark) != 1:
            return None
        head, _, fraction = s.partition(decimal_mark)
        whole = _ungroup(head, other)
    elif len(marks) > 1 or (len(s.split(marks[0])[1]) == 3 and marks[0] == group):
        whole, fraction = _ungroup(s, marks[0]), ""
    else:
        whole, _, fraction = s.partition(marks[0])
    if whole is None or not _DIGITS.match(whole) or (fraction and (not _DIGITS.match(fraction) or len(fraction) > 2)):
        return None
    return int(whole) * 100 + int(fraction.ljust(2, "0") or "0")


def _ungroup(text: str, mark: str) -> str | None:
    """1.210.000 → 1210000 if every group after the first has three digits; None otherwise."""
    first, *rest = text.split(mark)
    if not first or not 1 <= len(first) <= 3 or any(len(g) != 3 for g in rest):
        return None
    return first + "".join(rest)
