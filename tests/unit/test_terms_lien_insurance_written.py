"""K9, K10, A2/A4 at their boundaries."""

from datetime import date, timedelta

import pytest

from dcops.terms.insurance import Policy, may_install, policy_ending_soon, request_overdue
from dcops.terms.lien import ends, may_leave, may_place_lien
from dcops.terms.lien import in_force as lien_in_force
from dcops.terms.standing import CustomerFacts, OpenBreach, UnpaidInvoice, standing
from dcops.terms.written import expiring_soon, in_force

DAY = timedelta(days=1)
TODAY = date(2026, 6, 15)


def _invoice(id: int, due: date, outstanding: int) -> UnpaidInvoice:
    return UnpaidInvoice(id, "C-1", due, outstanding)


OVERDUE = _invoice(1, TODAY - 30 * DAY, 500_00)
NOT_YET_DUE = _invoice(2, TODAY + 10 * DAY, 900_00)


def test_k10_a_lien_needs_a_failing_customer_and_an_amount_due():
    good = standing(CustomerFacts(consumer=False), TODAY)
    refused = may_place_lien("ACME", good)
    assert not refused.allowed and {r.rule for r in refused.reasons} == {"K10"} and refused.reasons[0].article == "12.9"
    assert (
        "does not fail" in refused.reasons[0].message and "no lien without an amount due" in refused.reasons[1].message
    )
    breach_only = standing(CustomerFacts(consumer=False, breaches=(OpenBreach(1, "12.6", TODAY, "damage"),)), TODAY)
    refused = may_place_lien("ACME", breach_only)
    assert not refused.allowed and [r.message for r in refused.reasons] == [
        "Nothing ACME owes is due and unpaid: no lien without an amount due"
    ]
    in_default = standing(CustomerFacts(consumer=False, unpaid=(OVERDUE,)), TODAY)
    placed = may_place_lien("ACME", in_default)
    assert placed.allowed and "€500.00 is due" in placed.reasons[0].message


def test_k10_the_lien_ends_the_moment_the_last_due_amount_is_paid_though_a_later_invoice_is_open():
    owing = standing(CustomerFacts(consumer=False, unpaid=(OVERDUE, NOT_YET_DUE)), TODAY)
    assert lien_in_force(True, owing) and not ends(owing)
    paid = standing(CustomerFacts(consumer=False, unpaid=(_invoice(1, OVERDUE.due_date, 0), NOT_YET_DUE)), TODAY)
    assert ends(paid) and not lien_in_force(True, paid)
    assert not lien_in_force(False, owing)  # never placed: nothing is retained


def test_k10_a_lien_is_out_of_force_while_the_customer_does_not_fail():
    """A consumer owing a due amount without a notice of default is not failing (S3): nothing is retained."""
    consumer = standing(CustomerFacts(consumer=True, unpaid=(OVERDUE,)), TODAY)
    assert consumer.due_unpaid == {"EUR": 500_00} and not consumer.fails
    assert not lien_in_force(True, consumer) and not ends(consumer)


def test_k10_nothing_leaves_while_a_lien_stands():
    v = may_leave("web-01", "ACME", True, "removed from the datacenter")
    assert not v.allowed and v.reasons[0].rule == "K10" and "web-01" in v.reasons[0].message
    assert may_leave("web-01", "ACME", False, "removed").allowed


POLICY = Policy(date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("on", "allowed"),
    [
        (date(2025, 12, 31), False),
        (date(2026, 1, 1), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), False),
    ],
)
def test_k9_new_hardware_needs_a_policy_valid_on_the_day(on, allowed):
    v = may_install("ACME", (POLICY,), on)
    assert v.allowed is allowed
    if not allowed:
        assert v.reasons[0].rule == "K9" and v.reasons[0].article == "12.8"


def test_k9_no_policy_at_all_is_refused_and_any_valid_one_is_enough():
    assert not may_install("ACME", (), TODAY).allowed
    old = Policy(date(2020, 1, 1), date(2021, 1, 1))
    assert may_install("ACME", (old, POLICY), TODAY).allowed


@pytest.mark.parametrize(("days", "overdue"), [(13, False), (14, False), (15, True)])
def test_k9_a_request_is_overdue_after_14_days(days, overdue):
    assert request_overdue(TODAY - days * DAY, False, TODAY) is overdue
    assert request_overdue(TODAY - days * DAY, True, TODAY) is False


@pytest.mark.parametrize(("days", "flag"), [(-1, False), (0, True), (30, True), (31, False)])
def test_k9_policies_ending_within_30_days_are_flagged(days, flag):
    assert policy_ending_soon(Policy(date(2025, 1, 1), TODAY + days * DAY), TODAY) is flag


@pytest.mark.parametrize(("days", "flag"), [(-1, False), (0, True), (14, True), (15, False)])
def test_a2_a4_permissions_ending_within_14_days_are_flagged(days, flag):
    assert expiring_soon(TODAY + days * DAY, False, TODAY) is flag
    assert expiring_soon(TODAY + days * DAY, True, TODAY) is False


def test_r2_a_permission_is_in_force_inside_its_period_until_revoked():
    start, end = date(2026, 6, 1), date(2026, 6, 30)
    assert not in_force(start, end, False, start - DAY)
    assert in_force(start, end, False, start) and in_force(start, end, False, end)
    assert not in_force(start, end, False, end + DAY)
    assert not in_force(start, end, True, TODAY)
