"""The notice of maintenance to one affected customer (rule R4, Art. 18.3), rendered in Dutch and in English: the
announcement with what, where (that customer's own hardware and racks), when and the impact; an emergency with its
reason; a change with before and after; a cancellation with its reason."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dcops.i18n import current
from dcops.maintenance.models import ChangeKind, Impact
from dcops.maintenance.notices import NoticeFacts, render

TZ = ZoneInfo("Europe/Amsterdam")
FACTS = NoticeFacts(
    kind=ChangeKind.announced,
    reference=12,
    title="Replace the UPS batteries",
    description="UPS-B's strings are replaced one at a time.",
    place="GRV1 / ZAAL-B",
    starts_at=datetime(2026, 3, 10, 21, tzinfo=UTC),  # 22:00 in Amsterdam
    ends_at=datetime(2026, 3, 11, 1, tzinfo=UTC),
    impact=Impact.outage,
    customer="Nijmegen Media Groep B.V.",
    hardware=("nmg-media-01 (B04 U2)", "nmg-media-02 (B01 U2)"),
    racks=("B04",),
    announced_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
)


def test_r4_announcement_in_english_names_what_where_when_impact_and_the_rule():
    before = current()
    subject, body = render(FACTS, "en", TZ)
    assert current() == before  # the reader's language is left as it was
    assert subject == "Maintenance 10/03/2026 22:00: Replace the UPS batteries (#12)"
    assert body.startswith("Dear Nijmegen Media Groep B.V.,\n")
    for line in (
        "What: Replace the UPS batteries",
        "UPS-B's strings are replaced one at a time.",
        "Where: GRV1 / ZAAL-B",
        "Your hardware there: nmg-media-01 (B04 U2), nmg-media-02 (B01 U2)",
        "Your private racks there: B04",
        "When: from 10/03/2026 22:00 until 11/03/2026 02:00 (Europe/Amsterdam)",
        "Expected impact: outage. Your services will be unavailable during the work.",
        "We announce planned maintenance at least two working days ahead (Art. 18.3, rule R4).",
    ):
        assert line in body.splitlines(), line


def test_r4_announcement_in_dutch():
    subject, body = render(FACTS, "nl", TZ)
    assert subject == "Onderhoud 10-03-2026 22:00: Replace the UPS batteries (#12)"
    lines = body.splitlines()
    assert lines[0] == "Geachte Nijmegen Media Groep B.V.,"
    assert "Uw hardware daar: nmg-media-01 (B04 U2), nmg-media-02 (B01 U2)" in lines
    assert "Wanneer: van 10-03-2026 22:00 tot 11-03-2026 02:00 (Europe/Amsterdam)" in lines
    assert "Verwachte gevolgen: onderbreking. Uw diensten zijn tijdens het werk niet beschikbaar." in lines
    assert "Wij kondigen gepland onderhoud ten minste twee werkdagen van tevoren aan (art. 18.3, regel R4)." in lines
    assert "Met vriendelijke groet," in lines


def test_r4_emergency_notice_gives_the_reason_and_when_it_started_instead_of_the_notice_period():
    facts = NoticeFacts(
        **{
            **FACTS.__dict__,
            "emergency_reason": "water drips onto A07",
            "started_at": datetime(2026, 3, 2, 6, 15, tzinfo=UTC),
        }
    )
    _, english = render(facts, "en", TZ)
    assert "This is emergency maintenance: water drips onto A07." in english
    assert "The work started on 02/03/2026 07:15." in english
    assert "two working days ahead" not in english
    _, dutch = render(facts, "nl", TZ)
    assert "Dit is spoedonderhoud: water drips onto A07." in dutch
    assert "Het werk is begonnen op 02-03-2026 07:15." in dutch


def test_r4_change_lists_each_changed_field_before_and_after():
    facts = NoticeFacts(
        **{
            **FACTS.__dict__,
            "kind": ChangeKind.changed,
            "changes": {
                "starts_at": ["2026-03-10T20:00:00+00:00", "2026-03-10T21:00:00+00:00"],
                "impact": ["reduced", "outage"],
                "scope": [["rack", "B04 (ZAAL-B)"], ["room", "GRV1 / ZAAL-B"]],
            },
        }
    )
    subject, body = render(facts, "en", TZ)
    assert subject == "Maintenance changed: Replace the UPS batteries (#12)"
    assert "The maintenance we announced on 02/03/2026 10:00 has changed:" in body
    assert "- Starts at: 10/03/2026 21:00 → 10/03/2026 22:00" in body
    assert "- Expected impact: reduced → outage" in body
    assert "- Where: rack B04 (ZAAL-B) → room GRV1 / ZAAL-B" in body
    _, dutch = render(facts, "nl", TZ)
    assert "- Begint om: 10-03-2026 21:00 → 10-03-2026 22:00" in dutch
    assert "- Waar: rack B04 (ZAAL-B) → serverruimte GRV1 / ZAAL-B" in dutch


def test_r4_cancellation_with_its_reason_in_both_languages():
    facts = NoticeFacts(**{**FACTS.__dict__, "kind": ChangeKind.cancelled, "changes": {"reason": "UPS vendor delayed"}})
    subject, body = render(facts, "en", TZ)
    assert subject == "Maintenance cancelled: Replace the UPS batteries (#12)"
    assert "The maintenance we announced on 02/03/2026 10:00, from 10/03/2026 22:00 until 11/03/2026 02:00, " in body
    assert "Reason: UPS vendor delayed" in body and "Your private racks there: B04" in body
    subject, body = render(facts, "nl", TZ)
    assert subject == "Onderhoud geannuleerd: Replace the UPS batteries (#12)"
    assert "gaat niet door." in body and "Reden: UPS vendor delayed" in body
