import pytest

from dcops.errors import ValidationFailed
from dcops.racks.schemas import HardwareIn, RackIn
from dcops.validation import parse


def test_form_collects_every_bad_field_at_once():
    with pytest.raises(ValidationFailed) as exc:
        parse(HardwareIn, {"name": "", "asset_tag": "", "u_height": "99", "power_draw_w": "-1"}, form=True)
    assert set(exc.value.errors) == {"name", "asset_tag", "u_height", "power_draw_w"}
    assert exc.value.errors["u_height"] == "Must be at most 60"
    assert exc.value.errors["power_draw_w"] == "Must be at least 0"
    assert exc.value.errors["name"] == "This field is required"


def test_form_converts_strings_blank_optional_and_checkbox():
    hw = parse(
        HardwareIn, {"name": "a", "asset_tag": "b", "u_height": "2", "serial": " ", "contract_id": ""}, form=True
    )
    assert hw.u_height == 2 and hw.serial is None and hw.contract_id is None
    assert hw.full_depth is False  # an unticked checkbox is absent from the post


def test_api_is_strict_about_types_and_unknown_fields():
    with pytest.raises(ValidationFailed) as exc:
        parse(RackIn, {"room_id": "1", "name": "A1", "colour": "red"})
    assert exc.value.errors == {"room_id": "Must be a whole number", "colour": "Unknown field"}


def test_enum_values_are_checked():
    with pytest.raises(ValidationFailed) as exc:
        parse(RackIn, {"room_id": 1, "name": "A1", "kind": "communal"})
    assert "kind" in exc.value.errors


def test_pattern_errors_say_what_is_expected_in_words():
    from dcops.customers.schemas import CustomerIn

    with pytest.raises(ValidationFailed) as exc:
        parse(CustomerIn, {"name": "X", "kind": "business", "kvk_number": "12", "email": "nope"}, form=True)
    assert exc.value.errors == {
        "kvk_number": "Must be the 8 digits of the KvK (Chamber of Commerce) number",
        "email": "Must be an e-mail address like name@example.com",
    }


def test_dates_and_choices_read_plainly():
    from dcops.customers.schemas import ContractIn

    with pytest.raises(ValidationFailed) as exc:
        parse(
            ContractIn, {"number": "K", "customer_id": "1", "service": "hosting", "start_date": "31-02-2026"}, form=True
        )
    assert exc.value.errors == {
        "service": "Choose one of the listed values",
        "start_date": "Must be a date like 30/11/2026",
    }
    # A form takes the day as the reader types it; the API takes ISO, as its schema says
    typed = parse(
        ContractIn, {"number": "K", "customer_id": "1", "service": "colocation", "start_date": "31-12-2026"}, form=True
    )
    assert typed.start_date.isoformat() == "2026-12-31"
    with pytest.raises(ValidationFailed) as exc:
        parse(ContractIn, {"number": "K", "customer_id": 1, "service": "colocation", "start_date": "31-12-2026"})
    assert exc.value.errors == {"start_date": "Must be a date (YYYY-MM-DD)"}
