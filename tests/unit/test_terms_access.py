"""Access rules D2, K2, A1, A2, A5, A7 at approval (the door asks them again: tests/unit/test_terms_door.py)."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dcops.terms.access import (
    Permission,
    Purpose,
    Responsibility,
    VisitFacts,
    Visitor,
    contracts_concerned,
    customer_blocks,
    may_approve,
    may_log_inspection,
    visit_window,
)
from dcops.terms.standing import CustomerFacts, Notice, OpenBreach, UnpaidInvoice, standing

DAY = date(2026, 11, 24)
ROOMS = frozenset({"ZAAL-A"})
GOOD = standing(CustomerFacts(consumer=False), DAY)
OWN = Visitor("Pieter", active=True, competent=True, third_party=False)
COLO = Responsibility(colocation=True, maintains=True, rooms=frozenset({"ZAAL-A", "ZAAL-B"}))
FACTS = VisitFacts("Hollandse", False, GOOD, ROOMS, DAY, DAY, (OWN,), (COLO,))


def rules(verdict):
    return [r.rule for r in verdict.reasons]


def in_default(consumer=False):
    facts = CustomerFacts(consumer=consumer, unpaid=(UnpaidInvoice(1, "C-1", DAY - timedelta(days=40), 100),))
    return standing(facts, DAY)


def test_a_competent_own_visitor_with_a_maintaining_contract_is_approved():
    answer = may_approve(FACTS)
    assert answer.verdict(override=False).allowed and answer.overridable.allowed


def test_k2_no_contract_making_the_customer_maintain_in_that_room():
    answer = may_approve(replace(FACTS, contracts=(replace(COLO, maintains=False),)))
    assert rules(answer.blocking) == ["K2"] and "ZAAL-A" in answer.blocking.reasons[0].message
    answer = may_approve(replace(FACTS, rooms=frozenset({"ZAAL-C"})))
    assert rules(answer.blocking) == ["K2"]


def test_d2_for_a_dedicated_only_customer():
    dedicated = Responsibility(colocation=False, maintains=False, rooms=ROOMS)
    answer = may_approve(replace(FACTS, contracts=(dedicated,)))
    assert [(r.rule, r.article) for r in answer.blocking.reasons] == [("D2", "11.3")]
    assert may_approve(replace(FACTS, contracts=(replace(dedicated, maintains=True),))).blocking.allowed


def test_a1_inactive_or_not_competent():
    for v in (replace(OWN, active=False), replace(OWN, competent=False)):
        assert rules(may_approve(replace(FACTS, visitors=(v,))).blocking) == ["A1"]


def test_a2_third_party_needs_permission_for_person_days_and_rooms():
    third = replace(OWN, label="Jan", third_party=True)
    assert rules(may_approve(replace(FACTS, visitors=(third,))).blocking) == ["A2"]
    whole = Permission(DAY, DAY + timedelta(days=3), False, ROOMS)
    ok = replace(FACTS, visitors=(replace(third, permissions=(whole,)),), last_day=DAY + timedelta(days=3))
    assert may_approve(ok).blocking.allowed
    assert not may_approve(replace(ok, last_day=DAY + timedelta(days=4))).blocking.allowed  # ends before the visit
    assert not may_approve(replace(ok, rooms=frozenset({"ZAAL-A", "ZAAL-B"}))).blocking.allowed  # not that room
    revoked = replace(third, permissions=(replace(whole, revoked=True),))
    assert not may_approve(replace(ok, visitors=(revoked,))).blocking.allowed


def test_a7_refuses_a_failing_business_and_only_a_consumer_in_default():
    answer = may_approve(replace(FACTS, standing=in_default()))
    assert answer.blocking.allowed and rules(answer.overridable) == ["A7"]
    assert not answer.verdict(override=False).allowed and answer.verdict(override=True).allowed
    consumer_overdue = standing(
        CustomerFacts(consumer=True, unpaid=(UnpaidInvoice(1, "C-1", DAY - timedelta(days=40), 100),)), DAY
    )
    assert not consumer_overdue.in_default
    assert may_approve(replace(FACTS, consumer=True, standing=consumer_overdue)).overridable.allowed
    breach = standing(CustomerFacts(consumer=False, breaches=(OpenBreach(1, "13.4", DAY, "cage"),)), DAY)
    assert rules(may_approve(replace(FACTS, standing=breach)).overridable) == ["A7"]


def test_every_failing_reason_is_given_at_once():
    answer = may_approve(
        replace(
            FACTS,
            contracts=(),
            visitors=(replace(OWN, competent=False), replace(OWN, label="Jan", third_party=True)),
            standing=in_default(),
        )
    )
    assert rules(answer.verdict(override=False)) == ["K2", "A1", "A2", "A7"]
    assert rules(answer.verdict(override=True)) == ["K2", "A1", "A2"]  # the override lifts A7 only


def test_a_visit_lasts_at_most_14_days():
    start = datetime(2026, 11, 24, 8, 0)
    assert visit_window(start, start + timedelta(days=14)) == {}
    assert "ends_at" in visit_window(start, start + timedelta(days=14, seconds=1))
    assert "ends_at" in visit_window(start, start)


def test_a_breach_recorded_after_the_day_asked_does_not_count_yet():
    later = CustomerFacts(consumer=False, breaches=(OpenBreach(1, "13.4", DAY, "cage"),))
    assert not standing(later, DAY - timedelta(days=1)).fails and standing(later, DAY).fails


# --- the visit's purpose, the contracts it is for, consumers in default by a breach ----------------------


@pytest.mark.parametrize("purpose", [p for p in Purpose if p is not Purpose.other])
def test_d2_k2_work_on_the_customer_s_own_hardware_is_what_opens_the_room(purpose):
    assert may_approve(replace(FACTS, purpose=purpose)).blocking.allowed


def test_k2_a_visit_not_needed_for_its_hardware_is_refused():
    """ "toegang noodzakelijk in licht daarvan": a tour or a meeting is not work on its hardware."""
    answer = may_approve(replace(FACTS, purpose=Purpose.other))
    assert rules(answer.blocking) == ["K2"] and "needed to install or maintain" in answer.blocking.reasons[0].message
    dedicated = Responsibility(colocation=False, maintains=True, rooms=ROOMS)
    answer = may_approve(replace(FACTS, purpose=Purpose.other, contracts=(dedicated,)))
    assert [(r.rule, r.article) for r in answer.blocking.reasons] == [("D2", "11.3")]


def test_s6_a7_a_breach_under_another_contract_does_not_bar_this_visit_until_its_notice_expired():
    room_b = Responsibility(colocation=True, maintains=True, rooms=frozenset({"ZAAL-B"}), contract_id=2)
    room_a = replace(COLO, rooms=ROOMS, contract_id=1)
    breach = OpenBreach(7, "13.4", DAY - timedelta(days=3), "cage", contract_id=2, contract="C-2")
    facts = replace(FACTS, contracts=(room_a, room_b), standing=standing(CustomerFacts(False, breaches=(breach,)), DAY))
    assert contracts_concerned(facts.contracts, ROOMS) == {1}
    assert may_approve(facts).overridable.allowed  # the visit to ZAAL-A is for contract 1
    to_b = may_approve(replace(facts, rooms=frozenset({"ZAAL-B"})))
    assert rules(to_b.overridable) == ["A7"]
    notice = Notice(DAY - timedelta(days=20), 14, breach_id=7)
    late = standing(
        CustomerFacts(False, breaches=(replace(breach, occurred_on=DAY - timedelta(days=25)),), notices=(notice,)), DAY
    )
    assert rules(may_approve(replace(facts, standing=late)).overridable) == ["A7"]


def test_a7_a_consumer_whose_breach_notice_expired_is_in_default_and_refused():
    breach = OpenBreach(7, "12.6", DAY - timedelta(days=40), "damage")
    notice = Notice(DAY - timedelta(days=30), 14, breach_id=7)
    consumer = standing(CustomerFacts(True, breaches=(breach,), notices=(notice,)), DAY)
    assert consumer.in_default
    answer = may_approve(replace(FACTS, consumer=True, standing=consumer))
    assert rules(answer.overridable) == ["A7"] and "is in default" in answer.overridable.reasons[0].message


def test_a5_an_inspection_is_logged_once_it_took_place():
    now = datetime(2026, 11, 24, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert may_log_inspection(now, now).allowed
    refused = may_log_inspection(now + timedelta(minutes=1), now)
    assert rules(refused) == ["A5"] and refused.reasons[0].article == "13.5"


def test_a7_names_the_day_the_default_began_not_an_earlier_breach():
    """A business with a breach since the 1st and an invoice unpaid since the 10th fails since the 1st but is in
    default (verzuim) since the 11th: the refusal said "in default since" the breach's day."""
    first = date(2026, 11, 1)
    facts = CustomerFacts(
        consumer=False,
        breaches=(OpenBreach(1, "13.4", first, "cage"),),
        unpaid=(UnpaidInvoice(1, "C-1", first + timedelta(days=9), 100),),
    )
    today = first + timedelta(days=20)
    message = customer_blocks("Brabant", False, standing(facts, today)).reasons[0].message
    assert message == "Brabant is in default since 11/11/2026: access is denied"
    breach_only = standing(replace(facts, unpaid=()), today)
    message = customer_blocks("Brabant", False, breach_only).reasons[0].message
    assert message == "Brabant fails to perform (an open breach) since 01/11/2026: access is denied"
