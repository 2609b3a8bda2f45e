import pytest

from dcops.errors import ValidationFailed
from dcops.racks.schemas import HardwareIn, RackIn
from dcops.validation import parse


def test_form_collects_every_bad_field_at_once():
    with pytest.raises(ValidationFailed) as exc:
        parse(HardwareIn, {"name": "", "asset_tag": "", "u_height": "99", "power_draw_w": "-1"}, form=True)
    assert set(exc.value.errors) == {"name", "asset_tag", "u_height", "power_draw_w"}
    assert "<= 60" in exc.value.errors["u_height"]


def test_form_converts_strings_blank_optional_and_checkbox():
    hw = parse(
        HardwareIn, {"name": "a", "asset_tag": "b", "u_height": "2", "serial": " ", "contract_id": ""}, form=True
    )
    assert hw.u_height == 2 and hw.serial is None and hw.contract_id is None
    assert hw.full_depth is False  # an unticked checkbox is absent from the post


def test_api_is_strict_about_types_and_unknown_fields():
    with pytest.raises(ValidationFailed) as exc:
        parse(RackIn, {"room_id": "1", "name": "A1", "colour": "red"})
    assert exc.value.errors == {"room_id": "Expected int, got str", "colour": "Unknown field"}


def test_enum_values_are_checked():
    with pytest.raises(ValidationFailed) as exc:
        parse(RackIn, {"room_id": 1, "name": "A1", "kind": "communal"})
    assert "kind" in exc.value.errors
