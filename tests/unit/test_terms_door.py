"""The door checks P1–P7 in their order, each with its own rule, article 13.1 and the officer's instruction; the
contract rules (A1, A2, A7) after P1–P5; carry-out (P7 with D1, K1, K10)."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dcops.terms.access import Permission, Visitor
from dcops.terms.door import (
    INSTRUCTIONS,
    CarriedItem,
    DoorFacts,
    authentic,
    door_verdict,
    may_carry_out,
    pass_checks,
)
from dcops.terms.standing import CustomerFacts, Notice, OpenBreach, UnpaidInvoice, standing

DAY = date(2026, 11, 24)
TZ = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
ROOMS = frozenset({"ZAAL-A"})
OWN = Visitor("Pieter", active=True, competent=True, third_party=False)
GOOD = standing(CustomerFacts(consumer=False), DAY)
DOOR = DoorFacts(
    now=NOW,
    direction="in",
    room="ZAAL-A",
    valid_from=NOW - timedelta(hours=2),
    valid_until=NOW + timedelta(hours=6),
    pass_revoked=False,
    visit_status="approved",
    visitor=OWN,
    visit_rooms=ROOMS,
    customer="Hollandse",
    consumer=False,
    standing=GOOD,
    a7_overridden=False,
    inside=False,
)


def rules(verdict):
    return [r.rule for r in verdict.reasons]


def in_default(consumer=False):
    facts = CustomerFacts(consumer=consumer, unpaid=(UnpaidInvoice(1, "C-1", DAY - timedelta(days=40), 100),))
    return standing(facts, DAY)


def test_the_door_allows_a_good_pass():
    assert door_verdict(DOOR).allowed and door_verdict(replace(DOOR, visit_status="in_progress")).allowed


def test_p1_a_pass_that_is_not_authentic_is_refused_with_its_instruction():
    refused = authentic("The pass signature is not valid: forged or altered")
    assert [(r.rule, r.article) for r in refused.reasons] == [("P1", "13.1")]
    assert refused.reasons[0].instruction == "Refuse; keep the pass; call the duty manager."
    assert authentic(None).allowed


@pytest.mark.parametrize(
    "change, rule, words",
    [
        ({"now": NOW - timedelta(hours=3)}, "P2", "valid from 24/11/2026 08:00"),
        ({"now": NOW + timedelta(hours=7)}, "P2", "expired at 24/11/2026 16:00"),
        ({"pass_revoked": True}, "P3", "revoked"),
        ({"visit_status": "cancelled"}, "P4", "cancelled"),
        ({"room": "ZAAL-B"}, "P5", "for ZAAL-A, not ZAAL-B"),
        ({"visitor": replace(OWN, active=False)}, "A1", "no longer registered"),
        ({"visitor": replace(OWN, competent=False)}, "A1", "not been confirmed competent"),
        ({"visitor": replace(OWN, third_party=True)}, "A2", "without written permission"),
        ({"standing": in_default()}, "A7", "in default"),
        ({"inside": True}, "P6", "Already checked in"),
    ],
)
def test_each_door_check_refuses_with_its_own_rule_and_instruction(change, rule, words):
    verdict = door_verdict(replace(DOOR, **change))
    assert not verdict.allowed and rules(verdict) == [rule]
    reason = verdict.reasons[0]
    assert words in reason.message and reason.instruction == INSTRUCTIONS[rule]
    if rule.startswith("P"):
        assert reason.article == "13.1"


def test_p1_to_p7_each_have_the_officer_s_instruction():
    assert {f"P{n}" for n in range(1, 8)} <= set(INSTRUCTIONS)
    assert INSTRUCTIONS["P6"] == "Record the exit first, then scan again."


def test_the_door_lists_p_checks_then_contract_rules_then_p6():
    verdict = door_verdict(
        replace(DOOR, pass_revoked=True, room="ZAAL-B", standing=in_default(), inside=True, now=NOW + timedelta(days=1))
    )
    assert rules(verdict) == ["P2", "P3", "P5", "A7", "P6"]
    assert all(r.instruction for r in verdict.reasons)
    assert door_verdict(replace(DOOR, standing=in_default(), a7_overridden=True)).allowed


def test_leaving_is_never_refused_once_the_pass_is_known():
    assert door_verdict(replace(DOOR, direction="out", standing=in_default(), pass_revoked=True)).allowed
    assert not pass_checks(replace(DOOR, direction="out", pass_revoked=True)).allowed  # but nothing leaves with it


def test_a_third_party_permission_must_hold_on_the_day_for_the_door_s_room():
    permitted = replace(OWN, third_party=True, permissions=(Permission(DAY, DAY, False, ROOMS),))
    assert door_verdict(replace(DOOR, visitor=permitted)).allowed
    later = replace(DOOR, visitor=permitted, now=NOW + timedelta(days=1), valid_until=NOW + timedelta(days=2))
    assert rules(door_verdict(later)) == ["A2"]


def test_a7_a_consumer_whose_breach_notice_expired_is_refused_at_the_door():
    breach = OpenBreach(7, "12.6", DAY - timedelta(days=40), "damage")
    notice = Notice(DAY - timedelta(days=30), 14, breach_id=7)
    consumer = standing(CustomerFacts(True, breaches=(breach,), notices=(notice,)), DAY)
    assert rules(door_verdict(replace(DOOR, consumer=True, standing=consumer))) == ["A7"]


# --- P7: carry-out ---------------------------------------------------------------------------------------

ITEM = CarriedItem("GRV-0100", "srv-1", owner_is_customer=True, customer_matches=True)


@pytest.mark.parametrize(
    "item, expected",
    [
        (ITEM, []),
        (CarriedItem("NOPE"), ["P7"]),
        (replace(ITEM, owner_is_customer=False, customer_matches=False), ["D1"]),
        (replace(ITEM, customer_matches=False), ["K1"]),
        (replace(ITEM, liened=True), ["K10"]),
        (replace(ITEM, mounted_in="A06 U12"), ["P7"]),
        (replace(ITEM, liened=True, mounted_in="A06 U12"), ["K10", "P7"]),
    ],
)
def test_p7_carry_out_with_a_good_pass(item, expected):
    """D1, K1, K10; unknown or still mounted hardware cites the door procedure (P7), never R1/31.3, which is no
    ground against a consumer. Every reason carries the officer's instruction."""
    verdict = may_carry_out(item, "Hollandse")
    assert verdict.allowed is (expected == []) and rules(verdict) == expected
    assert all(r.article != "31.3" and r.instruction for r in verdict.reasons)


def test_p7_nothing_leaves_on_a_pass_that_fails_p1_to_p5():
    revoked = may_carry_out(ITEM, "Hollandse", "The pass was revoked")
    assert rules(revoked) == ["P7"] and "The pass was revoked" in revoked.reasons[0].message
    assert revoked.reasons[0].instruction == "Keep the hardware inside; call the account manager."
    theirs = may_carry_out(replace(ITEM, owner_is_customer=False), "Hollandse", "The pass expired")
    assert rules(theirs) == ["P7", "D1"]  # and the contract rules where they apply
    unknown_pass = may_carry_out(replace(ITEM, customer_matches=False), None, "unknown key")
    assert rules(unknown_pass) == ["P7"]  # no customer to compare with: K1 cannot be said
