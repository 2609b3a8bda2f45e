"""The calendar of moves shows each order on its planned day in the state it is in (a carried-out order is not
"planned"), and the K4 window's end and the K5 deadline only while the order is open."""

from datetime import date
from types import SimpleNamespace

from dcops.moves.models import RelocationStatus
from dcops.moves.pages import _calendar

FIRST, LAST = date(2026, 12, 1), date(2026, 12, 31)


def _order(id_: int, status: RelocationStatus) -> SimpleNamespace:
    return SimpleNamespace(
        id=id_,
        status=status,
        planned_on=date(2026, 12, 10),
        window_until=date(2026, 12, 14),
        customer_deadline=date(2026, 12, 20),
        customer=SimpleNamespace(name="Hollandse Hosting B.V."),
    )


def test_an_order_shows_its_state_on_its_planned_day_and_its_deadlines_only_while_open():
    days = _calendar([_order(1, RelocationStatus.scheduled), _order(2, RelocationStatus.done)], FIRST, LAST)
    assert [(text, css) for text, _url, css in days[date(2026, 12, 10)]] == [
        ("#1 scheduled: Hollandse Hosting B.V.", ""),
        ("#2 done: Hollandse Hosting B.V.", "closed"),
    ]
    assert [text for text, _url, _css in days[date(2026, 12, 14)]] == ["#1 K4 window ends: Hollandse Hosting B.V."]
    assert [text for text, _url, _css in days[date(2026, 12, 20)]] == ["#1 K5 deadline: Hollandse Hosting B.V."]


def test_a_cancelled_order_has_no_deadlines_and_days_outside_the_view_are_left_out():
    days = _calendar([_order(3, RelocationStatus.cancelled)], FIRST, date(2026, 12, 12))
    assert list(days) == [date(2026, 12, 10)]
    assert days[date(2026, 12, 10)][0][0] == "#3 cancelled: Hollandse Hosting B.V."
