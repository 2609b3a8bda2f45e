"""K4, K5, K6, D3 windows at their boundaries, and the K3/D3 equivalence check's shortfalls."""

from datetime import date, timedelta

import pytest

from dcops.terms.relocation import (
    Original,
    Specification,
    Target,
    breach_day,
    customer_deadline,
    customer_overdue,
    equivalent,
    hand_back_breach,
    may_carry_out_on,
    may_customer_execute,
    may_move_outside_order,
    may_schedule,
    may_start_reassignment,
    may_supplier_move,
    meets_specification,
    move_costs,
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
    assert "01/11/2026 – 15/11/2026" in refused.reasons[0].message
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


def test_k5_the_breach_occurs_the_day_after_the_deadline():
    assert customer_deadline(C) == C + 14 * D and breach_day(C) == C + 15 * D
    assert not customer_overdue(C, False, C + 14 * D) and customer_overdue(C, False, C + 15 * D)


def test_k5_only_hardware_the_customer_maintains_is_moved_by_the_customer():
    assert may_customer_execute({"srv-1": True}).allowed
    refused = may_customer_execute({"srv-1": True, "srv-2": False})
    assert [(r.rule, r.article) for r in refused.reasons] == [("K5", "12.4")] and "srv-2" in refused.reasons[0].message


def test_k5_k6_the_supplier_moves_maintained_hardware_only_in_an_emergency():
    assert may_supplier_move({"srv-1": False}, emergency=False).allowed
    refused = may_supplier_move({"srv-1": True}, emergency=False)
    assert refused.reasons[0].rule == "K5" and "only in an emergency" in refused.reasons[0].message
    assert may_supplier_move({"srv-1": True}, emergency=True).allowed


def test_k5_a_customer_moving_its_own_hardware_is_no_emergency():
    verdict = may_schedule(C + 30 * D, None, False, False, customer_moves=True)
    assert verdict.allowed and [r.rule for r in verdict.reasons] == ["K5"]  # not K6


@pytest.mark.parametrize(("day", "allowed"), [(C - D, False), (C, True), (C + D, False)])
def test_k4_the_supplier_carries_the_move_out_on_the_planned_date(day, allowed):
    verdict = may_carry_out_on(C, day, emergency=False)
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.reasons[0].rule == "K4"
    assert may_carry_out_on(C, day, emergency=True).allowed
    assert not may_carry_out_on(None, day, emergency=False).allowed


def test_d3_an_emergency_reassignment_cites_d3_not_k6():
    verdict = may_start_reassignment(None, True, C)
    assert verdict.allowed and [(r.rule, r.article) for r in verdict.reasons] == [("D3", "11.4")]


AGREED = Specification(cpu_cores=16, memory_gb=128, storage_gb=2000, network_mbps=None)


def test_d3_a_replacement_is_compared_with_the_contracted_specification():
    assert meets_specification("C-1", AGREED, "new", Specification(16, 128, 2000, 1000)).allowed
    assert meets_specification("C-1", AGREED, "new", Specification(64, 512, 8000)).allowed  # better is fine
    weaker = meets_specification("C-1", AGREED, "weak", Specification(8, 128, None))
    assert [r.message for r in weaker.reasons] == [
        "weak has 8 CPU cores; contract C-1 requires 16",
        "weak's storage is not recorded; contract C-1 requires 2,000 GB",
    ]
    assert meets_specification("C-1", Specification(), "anything", Specification()).allowed  # nothing agreed


def test_k7_a_move_creates_no_charge():
    assert (move_costs().rule, move_costs().article) == ("K7", "12.5") and "no charge" in move_costs().message


def test_k8_colocation_hardware_changes_rack_only_on_a_recorded_basis():
    refused = may_move_outside_order("srv-1", "Hollandse", None, "moved")
    assert [(r.rule, r.article) for r in refused.reasons] == [("K8", "12.7")]
    assert may_move_outside_order("srv-1", "Hollandse", "relocation #4", "moved").allowed
    assert may_move_outside_order("sw-01", None, None, "moved").allowed  # the supplier's own hardware


def test_a6_only_a_space_the_customer_vacated_and_left_changed_is_its_breach():
    assert hand_back_breach(True, False).allowed
    supplier = hand_back_breach(False, False)
    assert [(r.rule, r.article) for r in supplier.reasons] == [("A6", "13.6")] and "supplier vacated" in str(supplier)
    assert not hand_back_breach(True, True).allowed and not hand_back_breach(True, None).allowed
