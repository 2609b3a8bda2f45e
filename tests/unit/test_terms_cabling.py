"""A3 (Art. 13.3) at every combination: installer, route, and each end shared / private own / private other's."""

import itertools

import pytest

from dcops.terms.cabling import CableEnd, Installer, Route, may_cable

OWN = 7
SHARED = CableEnd("A01", 1, False, None)
PRIVATE_OWN = CableEnd("A06", 6, True, OWN)
PRIVATE_OWN_2 = CableEnd("A08", 8, True, OWN)
PRIVATE_OTHER = CableEnd("A07", 7, True, 99)
LOOSE = CableEnd(None, None, False, None)
ENDS = {"shared": SHARED, "own": PRIVATE_OWN, "own-2": PRIVATE_OWN_2, "other": PRIVATE_OTHER, "loose": LOOSE}


@pytest.mark.parametrize(
    "installer, route, a, b",
    list(itertools.product(Installer, Route, ENDS, ENDS)),
)
def test_a3_every_combination(installer, route, a, b):
    verdict = may_cable(installer, route, ENDS[a], ENDS[b], OWN)
    own_private = a == b and ENDS[a].private and ENDS[a].let_to == OWN
    allowed = installer is Installer.supplier or (own_private and route is Route.in_rack)
    assert verdict.allowed is allowed
    assert all((r.rule, r.article) == ("A3", "13.3") for r in verdict.reasons)
    if not allowed:
        assert verdict.reasons


def test_the_refusal_says_what_is_wrong():
    reasons = [r.message for r in may_cable(Installer.customer, Route.underfloor, SHARED, PRIVATE_OWN, OWN).reasons]
    assert any("shared rack A01" in m for m in reasons)
    assert any("between racks A01 and A06" in m for m in reasons)
    assert any("underfloor" in m for m in reasons)


def test_a_customer_cable_needs_a_customer():
    assert not may_cable(Installer.customer, Route.in_rack, PRIVATE_OWN, PRIVATE_OWN, None).allowed
