"""K4, K5, K6, D3 windows at their boundaries, and the K3/D3 equivalence check's shortfalls."""

from datetime import date, timedelta

from dcops.terms.relocation import (
    Original,
    Target,
    customer_deadline,
    customer_overdue,
    equivalent,
    may_schedule,
    may_start_reassignment,
    supplier_window,
)

C = date(2026, 11, 1)
D = timedelta(days=1)


def test_k4_the_window_is_the_consultation_day_to_14_days_after():
    assert supplier_window(C) == (C, C + 14 * D)
    assert may_schedule(C + 13 * D, C, False, False).allowed
    assert may_schedule(C + 14 * D, C, False, False).allowed
    refused = may_schedule(C + 15 * D, C, False, False)
    assert not refused.allowed and [(r.rule, r.article) for r in refused.reasons] == [("K4", "12.4")]
    assert "2026-11-01 – 2026-11-15" in refused.reasons[0].message
    assert not may_schedule(C - D, C, False, False).allowed


def test_k4_another_date_with_the_customer_s_written_agreement():
    assert may_schedule(C + 40 * D, C, False, True).allowed


def test_k4_no_consultation_no_schedule_and_k6_emergency_skips_both():
    assert [r.rule for r in may_schedule(C, None, False, False).reasons] == ["K4"]
    emergency = may_schedule(C + 100 * D, None, True, False)
    assert emergency.allowed and emergency.reasons[0].rule == "K6"


def test_k5_the_customer_moves_within_14_days_of_the_request():
    assert customer_deadline(C) == C + 14 * D
    assert not customer_overdue(C, False, C + 13 * D)
    assert not customer_overdue(C, False, C + 14 * D)
    assert customer_overdue(C, False, C + 15 * D)
    assert not customer_overdue(C, True, C + 30 * D)
    assert not customer_overdue(None, False, C + 30 * D)


def test_d3_a_plan_of_approach_before_the_move_unless_emergency():
    assert [r.rule for r in may_start_reassignment(None, False, C).reasons] == ["D3"]
    assert not may_start_reassignment(C + D, False, C).allowed
    assert may_start_reassignment(C, False, C).allowed
    assert may_start_reassignment(None, True, C).allowed


ORIG = Original("srv-1", rack_private=False, site="GRV1", draw_w=1800)
GOOD = Target("R12", rack_private=False, rack_site="GRV1", free_run=True, power_left_w=5000, units_needed="U10")


def test_an_equivalent_target_passes():
    assert equivalent(ORIG, GOOD, False).allowed
    assert equivalent(ORIG, Target("R12", False, "GRV1", True, None, "U10"), False).allowed  # no budget


def test_each_shortfall_with_its_figures():
    from dataclasses import replace

    v = equivalent(ORIG, replace(GOOD, power_left_w=1200), False)
    assert v.reasons[0].message == "R12 has 1,200 W left, srv-1 draws 1,800 W"
    v = equivalent(ORIG, replace(GOOD, rack_private=True, free_run=False, rack_site="AMS2", power_left_w=0), False)
    assert [r.rule for r in v.reasons] == ["K3"] * 4
    texts = " ".join(r.message for r in v.reasons)
    assert "shared rack" in texts and "no free U10" in texts and "AMS2" in texts
    assert equivalent(ORIG, replace(GOOD, rack_site="AMS2"), True).allowed  # the order names another datacenter
