from dcops.racks import units
from dcops.racks.models import Face


def test_span_counts_up_from_the_lowest_unit():
    assert list(units.span(5, 3)) == [5, 6, 7]


def test_full_depth_takes_both_faces_half_depth_one():
    assert units.faces(Face.rear, True) == (Face.front, Face.rear)
    assert units.faces(Face.rear, False) == (Face.rear,)
    assert units.cells(10, 2, Face.front, False) == [(10, Face.front), (11, Face.front)]
    assert len(units.cells(10, 2, Face.front, True)) == 4


def test_fit_at_the_very_top_and_one_above():
    assert units.fit_error(42, 41, 2) is None
    assert "reach U43" in units.fit_error(42, 42, 2)
    assert "above the top" in units.fit_error(42, 43, 1)


def test_fit_refuses_position_zero_and_negative():
    assert units.fit_error(42, 0, 1) == "Position must be 1 or higher, not 0"
    assert units.fit_error(42, -3, 1) is not None


def test_fit_full_height_device():
    assert units.fit_error(42, 1, 42) is None
    assert units.fit_error(42, 2, 42) is not None


def test_free_runs():
    assert units.free_runs(10, [1, 2, 5, 10]) == [range(3, 5), range(6, 10)]
    assert units.free_runs(3, []) == [range(1, 4)]
    assert units.free_runs(3, [1, 2, 3]) == []


def test_describe_units_groups_runs():
    assert units.describe_units([7, 5, 6, 3]) == "U3, U5–U7"
    assert units.describe_units([]) == ""


def test_free_by_face_counts_full_depth_on_both_sides():
    free = units.free_by_face(10, [(1, 2, Face.front, True), (5, 1, Face.rear, False)])
    assert free[Face.front] == [range(3, 11)]
    assert free[Face.rear] == [range(3, 5), range(6, 11)]
