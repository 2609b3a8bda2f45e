"""Time zones: a name the system knows or a clear refusal, never a ZoneInfo error on the first page that shows a
time."""

import pytest

from dcops import clock
from dcops.settings import Settings


def test_a_time_zone_is_a_name_the_system_knows():
    assert clock.is_zone("Europe/Amsterdam") and clock.is_zone("UTC")
    for bad in ("Europe/Amsterdm", "CET+1", "", "../../etc/passwd", "Europe/"):
        assert not clock.is_zone(bad)


def test_settings_refuse_a_time_zone_that_is_not_one_at_start(tmp_path):
    base = {"data_dir": tmp_path, "database_url": "unused://", "secret_key": "s" * 40}
    with pytest.raises(ValueError, match="DCOPS_TIMEZONE"):
        Settings(**base, site_timezone="Amsterdam")
    env = {"DCOPS_DATA_DIR": str(tmp_path), "DCOPS_SECRET_KEY": "s" * 40, "DCOPS_TIMEZONE": "Europe/Brussels"}
    assert Settings.from_env(env).site_timezone == "Europe/Brussels"
