"""R3: visitor data kept for a set period, erased on request unless it is evidence in an open breach."""

from datetime import date

from dcops.terms.personal_data import may_erase, months_before, retention_cutoff


def test_months_before_keeps_the_day_or_takes_the_month_s_last():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)


def test_r3_retention_cutoff_is_the_retention_period_before_today():
    assert retention_cutoff(date(2026, 11, 30), 12) == date(2025, 11, 30)


def test_r3_erasure_waits_only_for_evidence_in_an_open_breach():
    assert may_erase(False).allowed
    refused = may_erase(True)
    assert not refused.allowed and refused.reasons[0].rule == "R3" and "17(3)(e)" in str(refused.reasons[0])
