"""The audit page's lines: what changed as "field: before → after", a creation's values, what the event adds; data
stored in any other shape is still shown, never an error."""

from dcops.audit import change_lines


def test_a_change_a_creation_and_what_the_event_adds():
    data = {"before": {"status": "approved"}, "after": {"status": "in_progress"}, "door_check_id": 7}
    assert change_lines(data) == [("status", "approved → in_progress"), ("door_check_id", "7")]
    assert change_lines({"after": {"code": "PG1", "zone": None}}) == [("code", "PG1"), ("zone", "—")]
    assert change_lines({"reasons": [{"rule": "A7"}]}) == [("reasons", '[{"rule": "A7"}]')]


def test_data_in_another_shape_is_shown_as_it_is():
    assert change_lines(["odd"]) == [("data", '["odd"]')]  # type: ignore[arg-type]
    assert change_lines({"before": 1, "after": 2}) == [("value", "1 → 2")]
