"""Extra work (Art. 15): M1 (an estimate accepted in writing before the work), M2 (necessary work without acceptance,
charged afterwards on the time spent at the agreed or usual rate), R2 (what a written acceptance records) and K7
(a move is never extra work)."""

from datetime import date, timedelta

from dcops.terms.extra_work import (
    Acceptance,
    Charge,
    Estimate,
    Rate,
    RateSource,
    WorkKind,
    acceptance_problems,
    amount_cents,
    applicable_rate,
    charge,
    may_carry_out,
    no_charge_for_a_move,
)
from dcops.terms.verdict import Verdict
from dcops.terms.written import Channel

D = timedelta(days=1)
ESTIMATED = date(2026, 11, 23)
USUAL = Rate(95_00, RateSource.usual)
ESTIMATE = Estimate(90, USUAL)  # 1.5 hours at 95.00: 142.50


def accepted(**changes):  # type: ignore[no-untyped-def]
    given = {"by": "Pieter Smit", "on": ESTIMATED + D, "channel": Channel.email, "reference": "<ok@example.nl>"}
    return Acceptance(**{**given, "cents": ESTIMATE.cents, **changes})


def rules(verdict: Verdict) -> list[tuple[str, str]]:
    return [(r.rule, r.article) for r in verdict.reasons]


def test_m2_the_agreed_rate_applies_else_the_usual_rate():
    agreed = applicable_rate(85_00, 95_00)
    assert (agreed.cents, agreed.source) == (85_00, RateSource.agreed)
    assert (agreed.reason.rule, agreed.reason.article) == ("M2", "15.3") and "agreed" in agreed.reason.message
    usual = applicable_rate(None, 95_00)
    assert (usual.cents, usual.source) == (95_00, RateSource.usual)
    assert "no rate was agreed" in usual.reason.message


def test_m1_the_estimate_is_hours_times_the_rate_to_the_cent():
    assert ESTIMATE.cents == 142_50
    assert amount_cents(60, 85_00) == 85_00
    assert amount_cents(1, 95_00) == 1_58  # 158.33 cents: a third of a cent rounds down
    assert amount_cents(1, 90) == 2  # 1.5 cents: half a cent rounds up
    assert amount_cents(20, 1_00) == 33


def test_m1_no_carrying_out_without_an_estimate_or_before_its_written_acceptance():
    none_yet = may_carry_out(WorkKind.on_request, None, None, None)
    assert not none_yet.allowed and rules(none_yet) == [("M1", "15.2")]
    assert "No estimate yet" in none_yet.reasons[0].message
    waiting = may_carry_out(WorkKind.on_request, ESTIMATE, None, None)
    assert not waiting.allowed and rules(waiting) == [("M1", "15.2")]
    assert "has not accepted the estimate of €142.50 in writing" in waiting.reasons[0].message
    ok = may_carry_out(WorkKind.on_request, ESTIMATE, accepted(), None)
    assert ok.allowed and rules(ok) == [("M1", "15.2")]
    assert ok.reasons[0].message == "accepted in writing by Pieter Smit on 24/11/2026 (email, <ok@example.nl>)"


def test_m1_r2_an_acceptance_without_who_channel_or_reference_is_no_written_acceptance():
    verdict = may_carry_out(WorkKind.on_request, ESTIMATE, accepted(by=None, channel=None, reference=""), None)
    assert not verdict.allowed and rules(verdict) == [("M1", "15.2"), ("R2", "31.5")]
    assert verdict.reasons[1].message.endswith("missing: who accepted, by what channel, its reference")


def test_m1_an_acceptance_is_of_one_estimate_a_changed_one_is_not_accepted():
    changed = Estimate(120, USUAL)
    verdict = may_carry_out(WorkKind.on_request, changed, accepted(), None)
    assert not verdict.allowed and rules(verdict) == [("M1", "15.2")]
    assert "changed to €190.00 after it was accepted" in verdict.reasons[0].message


def test_m2_necessary_work_is_carried_out_without_acceptance_with_its_reason():
    verdict = may_carry_out(WorkKind.necessary, None, None, "the fan failure trips the B04 feed")
    assert verdict.allowed and rules(verdict) == [("M2", "15.2")]
    assert "the fan failure trips the B04 feed" in verdict.reasons[0].message
    for missing in (None, "", "   "):
        refused = may_carry_out(WorkKind.necessary, None, None, missing)
        assert not refused.allowed and rules(refused) == [("M2", "15.2")]


def test_r2_m1_acceptance_problems_name_each_missing_part_and_the_impossible_days():
    today = ESTIMATED + 3 * D
    assert acceptance_problems(accepted(), ESTIMATED, today) == {}
    assert acceptance_problems(accepted(on=ESTIMATED), ESTIMATED, today) == {}  # the day the estimate was made
    missing = acceptance_problems(accepted(by=None, on=None, channel=None, reference=None), ESTIMATED, today)
    assert set(missing) == {"accepted_by", "accepted_on", "accepted_via", "accepted_reference"}
    assert all(m.startswith("Art. 31.5 (rule R2)") for m in missing.values())
    before = acceptance_problems(accepted(on=ESTIMATED - D), ESTIMATED, today)
    assert before["accepted_on"].startswith("Art. 15.2 (rule M1): the estimate was made on 23/11/2026")
    future = acceptance_problems(accepted(on=today + D), ESTIMATED, today)
    assert "still to come" in future["accepted_on"]
    no_estimate = acceptance_problems(accepted(), None, today)
    assert no_estimate == {"": "Art. 15.2 (rule M1): there is no estimate yet; the customer accepts the estimated cost"}


def test_m1_charges_the_accepted_estimate_whatever_the_time_spent():
    done = charge(WorkKind.on_request, ESTIMATE, 200, applicable_rate(70_00, 95_00))
    assert isinstance(done, Charge)
    assert (done.minutes, done.rate_cents, done.amount_cents) == (90, 95_00, 142_50)
    assert (done.reason.rule, done.reason.article) == ("M1", "15.2")
    refused = charge(WorkKind.on_request, None, 200, USUAL)
    assert isinstance(refused, Verdict) and rules(refused) == [("M1", "15.2")]


def test_m2_charges_the_time_spent_at_the_applicable_rate_and_nothing_without_time():
    done = charge(WorkKind.necessary, None, 50, applicable_rate(85_00, 95_00))
    assert isinstance(done, Charge)
    assert (done.minutes, done.rate_cents, done.amount_cents) == (50, 85_00, 70_83)
    assert done.reason.rule == "M2" and "0.83 hours spent at €85.00 an hour: €70.83" in done.reason.message
    refused = charge(WorkKind.necessary, None, 0, USUAL)
    assert isinstance(refused, Verdict) and not refused.allowed and rules(refused) == [("M2", "15.2")]


def test_k7_work_for_a_relocation_is_refused():
    assert no_charge_for_a_move(None).allowed
    refused = no_charge_for_a_move("Relocation #4")
    assert not refused.allowed and rules(refused) == [("K7", "12.5")]
    assert refused.reasons[0].message.startswith("Relocation #4: each party bears its own costs of a move")
