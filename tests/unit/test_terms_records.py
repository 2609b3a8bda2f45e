"""R1: the audit log is a hash chain: any change, removal or reordering of an event is found."""

from dataclasses import replace
from datetime import UTC, datetime

from dcops.terms.records import GENESIS, Event, event_hash, link_problem

AT = datetime(2026, 11, 30, 10, 0, 0, 123456, tzinfo=UTC)


def _event(seq: int, prev: str, data: dict) -> Event:
    h = event_hash(seq, AT, "anna", "update", "customer", "7", data, prev)
    return Event(seq, AT, "anna", "update", "customer", "7", data, prev, h)


def test_r1_each_event_continues_the_chain_and_any_tampering_breaks_it():
    first = _event(1, GENESIS, {"after": {"name": "ACME"}})
    second = _event(2, first.hash, {"after": {"name": "ACME B.V."}})
    assert link_problem(first, 1, GENESIS) is None and link_problem(second, 2, first.hash) is None
    assert link_problem(replace(second, data={"after": {"name": "Other"}}), 2, first.hash) == (
        "content does not match its hash"
    )
    assert link_problem(second, 3, first.hash) == "event 3 is missing"
    assert link_problem(second, 2, GENESIS) == "previous-hash link does not match"


def test_r1_the_hash_is_canonical_whatever_the_key_order():
    a = event_hash(1, AT, "tom", "mount", "hardware", "3", {"x": 1, "y": [1, 2]}, GENESIS)
    b = event_hash(1, AT, "tom", "mount", "hardware", "3", {"y": [1, 2], "x": 1}, GENESIS)
    assert a == b and len(a) == 64
