"""S1–S6 at their boundaries: the day before, on and after a due date or a notice's term."""

from datetime import date, timedelta

import pytest

from dcops.terms.standing import (
    CustomerFacts,
    Notice,
    OpenBreach,
    UnpaidInvoice,
    due_date,
    notice_counts,
    notice_problems,
    standing,
)

DUE = date(2026, 3, 15)
DAY = timedelta(days=1)


def invoice(id=1, due=DUE, outstanding=100_00, contract="C-1"):
    return UnpaidInvoice(id, contract, due, outstanding)


def test_s1_due_date_is_14_days_unless_the_contract_says_otherwise():
    assert due_date(date(2026, 3, 1), None) == date(2026, 3, 15)
    assert due_date(date(2026, 3, 1), 14) == date(2026, 3, 15)
    assert due_date(date(2026, 3, 1), 30) == date(2026, 3, 31)
    assert due_date(date(2026, 12, 20), 14) == date(2027, 1, 3)


@pytest.mark.parametrize(("today", "fails"), [(DUE - DAY, False), (DUE, False), (DUE + DAY, True)])
def test_s2_a_business_is_in_default_from_the_day_after_the_due_date(today, fails):
    st = standing(CustomerFacts(consumer=False, unpaid=(invoice(),)), today)
    assert (st.fails, st.in_default) == (fails, fails)
    if fails:
        assert st.since == DUE + DAY
        assert [r.rule for r in st.reasons] == ["S2"] and st.reasons[0].article == "23.3"
        assert "since 16/03/2026" in st.reasons[0].message


def test_s2_a_partly_paid_invoice_still_counts_and_a_paid_one_does_not():
    partly = standing(CustomerFacts(consumer=False, unpaid=(invoice(outstanding=1),)), DUE + DAY)
    paid = standing(CustomerFacts(consumer=False, unpaid=(invoice(outstanding=0),)), DUE + DAY)
    assert partly.fails and not paid.fails


def test_s3_a_consumer_with_an_overdue_invoice_but_no_notice_is_not_in_default():
    st = standing(CustomerFacts(consumer=True, unpaid=(invoice(),)), DUE + 60 * DAY)
    assert not st.fails and not st.in_default
    assert st.reasons[0].rule == "S3" and "needs a notice of default first" in st.reasons[0].message
    assert st.findings[0].todo == "send a notice of default"


def test_s3_the_term_runs_from_the_day_after_sending_when_the_notice_reaches_the_consumer():
    notice = Notice(date(2026, 3, 2), 14, invoice_id=1)
    assert notice.reaches_on == date(2026, 3, 3)
    assert notice.term_ends == date(2026, 3, 17)  # default from 18 March


@pytest.mark.parametrize(("offset", "fails"), [(-1, False), (0, False), (1, True)])
def test_s3_a_consumer_is_in_default_from_the_day_after_the_notice_term(offset, fails):
    sent = DUE + 5 * DAY
    notice = Notice(sent, 14, invoice_id=1)
    ends = sent + 15 * DAY  # reaches the day after it was sent, then 14 days
    st = standing(CustomerFacts(consumer=True, unpaid=(invoice(),), notices=(notice,)), ends + offset * DAY)
    assert st.in_default is fails
    if fails:
        assert st.since == ends + DAY and st.reasons[0].rule == "S3" and st.reasons[0].article == "23.6"
    else:
        assert "term runs until" in st.reasons[0].message and st.findings[0].todo is None


@pytest.mark.parametrize(("sent", "counts"), [(DUE - 20 * DAY, False), (DUE, False), (DUE + DAY, True)])
def test_s3_a_notice_counts_only_when_sent_after_the_due_date(sent, counts):
    """23.6, BW 6:82: a notice printed on the invoice, or sent on the due date, puts no consumer in default."""
    notice = Notice(sent, 14, invoice_id=1)
    assert notice_counts(notice, DUE, breach=False) is counts
    st = standing(CustomerFacts(consumer=True, unpaid=(invoice(),), notices=(notice,)), DUE + 400 * DAY)
    assert st.in_default is counts
    if not counts:
        assert "does not count" in st.reasons[0].message and st.findings[0].todo == "send a notice of default"


def test_s3_a_notice_not_yet_sent_on_the_day_asked_does_not_count():
    later = Notice(DUE + 30 * DAY, 14, invoice_id=1)
    st = standing(CustomerFacts(consumer=True, unpaid=(invoice(),), notices=(later,)), DUE + 10 * DAY)
    assert "needs a notice of default first" in st.reasons[0].message


def test_s3_notice_problems_name_the_rule_at_each_boundary():
    today = DUE + 10 * DAY
    assert notice_problems(True, DUE + DAY, 14, today, due=DUE) == {}
    on_due = notice_problems(True, DUE, 14, today, due=DUE)
    assert "after the due date" in on_due["sent_on"] and "S3" in on_due["sent_on"]
    short = notice_problems(True, DUE + DAY, 13, today, due=DUE)
    assert list(short) == ["term_days"] and "at least 14 days" in short["term_days"]
    assert notice_problems(False, DUE + DAY, 7, today, due=DUE) == {}  # a business: any reasonable term
    assert "still to come" in notice_problems(True, today + DAY, 14, today, due=DUE)["sent_on"]
    breach_day = date(2026, 4, 1)
    later = breach_day + 30 * DAY
    assert notice_problems(True, breach_day, 14, later, occurred=breach_day) == {}
    assert "breach occurred" in notice_problems(True, breach_day - DAY, 14, later, occurred=breach_day)["sent_on"]


def test_s3_a_notice_about_another_invoice_does_not_count():
    other = Notice(DUE + DAY, 14, invoice_id=2)
    st = standing(CustomerFacts(consumer=True, unpaid=(invoice(id=1),), notices=(other,)), DUE + 60 * DAY)
    assert not st.fails


def test_s5_default_under_one_contract_counts_for_the_customer_and_since_is_the_earliest():
    facts = CustomerFacts(
        consumer=False,
        unpaid=(
            invoice(1, DUE, contract="C-1"),
            invoice(2, DUE - 10 * DAY, contract="C-2"),
            invoice(3, DUE + 90 * DAY),
        ),
    )
    st = standing(facts, DUE + DAY)
    assert st.fails and st.since == DUE - 9 * DAY
    messages = " ".join(r.message for r in st.reasons)
    assert "C-1" in messages and "C-2" in messages
    assert len(st.reasons) == 2  # the invoice not yet due does not count


BREACH = OpenBreach(7, "13.4", date(2026, 4, 1), "cage door removed")
UNDER_A = OpenBreach(7, "13.4", date(2026, 4, 1), "cage door removed", contract_id=1, contract="A")


def test_s6_an_open_breach_makes_a_business_fail_from_the_day_it_occurred():
    """S4/S6: a recorded breach (article, date, description) makes a business fail from the day it occurred."""
    st = standing(CustomerFacts(consumer=False, breaches=(BREACH,)), date(2026, 4, 1))
    assert st.fails and not st.in_default and st.since == date(2026, 4, 1)
    assert st.reasons[0].rule == "S6" and "Art. 13.4" in st.reasons[0].message
    assert st.reasons[0].article == "13.7"  # refusals cite 13.7 or 12.9, never 27.4 (its notice is not met)


@pytest.mark.parametrize(("offset", "under_b"), [(-1, False), (0, False), (1, True)])
def test_s6_a_breach_under_contract_a_counts_for_contract_b_only_once_its_notice_expired(offset, under_b):
    """S5/S6: a business fails under the contract the breach occurred under; under its other contracts once a
    notice of default about the breach expired."""
    notice = Notice(date(2026, 4, 2), 14, breach_id=7)
    day = notice.term_ends + offset * DAY
    st = standing(CustomerFacts(consumer=False, breaches=(UNDER_A,), notices=(notice,)), day)
    assert st.fails_under({1}) and st.since_under({1}) == date(2026, 4, 1)
    assert st.fails_under({2}) is under_b
    if under_b:
        assert st.since_under({2}) == notice.term_ends + DAY and st.in_default
    assert "under contract A" in st.reasons[0].message


def test_s6_without_a_notice_a_breach_never_reaches_the_other_contracts():
    st = standing(CustomerFacts(consumer=False, breaches=(UNDER_A,)), date(2027, 4, 1))
    assert st.fails_under({1}) and not st.fails_under({2}) and st.fails_under(None)


def test_s6_a_breach_recorded_without_a_contract_counts_for_every_contract():
    st = standing(CustomerFacts(consumer=False, breaches=(BREACH,)), date(2026, 4, 1))
    assert st.fails_under({1}) and st.fails_under({2})


@pytest.mark.parametrize(("offset", "fails"), [(-1, False), (0, False), (1, True)])
def test_s6_a_consumer_breach_counts_only_after_its_notice_expired(offset, fails):
    notice = Notice(date(2026, 4, 2), 14, breach_id=7)
    ends = date(2026, 4, 17)
    st = standing(CustomerFacts(consumer=True, breaches=(BREACH,), notices=(notice,)), ends + offset * DAY)
    assert st.fails is fails
    # A7 for consumers: a breach whose notice expired puts the consumer in default (verzuim) too.
    assert st.in_default is fails
    if fails:
        assert st.since == ends + DAY


def test_s6_a_consumer_breach_without_notice_asks_for_one():
    st = standing(CustomerFacts(consumer=True, breaches=(BREACH,)), date(2026, 9, 1))
    assert not st.fails and st.findings[0].todo == "send a notice of default"


def test_nothing_unpaid_and_no_breach_is_good_standing():
    st = standing(CustomerFacts(consumer=False), date(2026, 1, 1))
    assert not st.fails and st.since is None and st.reasons == () and st.verdict.allowed


def test_failing_reasons_come_first_earliest_first():
    facts = CustomerFacts(
        consumer=True,
        unpaid=(invoice(1, DUE + 30 * DAY), invoice(2, DUE)),
        breaches=(BREACH,),
        notices=(Notice(DUE + DAY, 14, invoice_id=2), Notice(BREACH.occurred_on, 14, breach_id=7)),
    )
    st = standing(facts, DUE + 40 * DAY)
    assert not st.verdict.allowed
    # Failing causes first, earliest first; then what does not count (yet).
    assert [r.rule for r in st.verdict.reasons] == ["S3", "S6", "S3"]
    assert "not in default" in st.verdict.reasons[2].message
    assert st.since == DUE + 17 * DAY
