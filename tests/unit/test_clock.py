"""Time zones: a name the system knows or a clear refusal, never a ZoneInfo error on the first page that shows a
time."""

import os
import subprocess
import sys

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


def test_time_zones_come_with_dcops_where_the_system_has_none():
    """A slim container or Windows has no /usr/share/zoneinfo: the tzdata package dcops depends on stands in, so
    a site's time zone is still known and the clock still reads it (PYTHONTZPATH empty: no system zones at all)."""
    code = (
        "from dcops import clock; "
        "assert clock.is_zone('Europe/Amsterdam'), 'no zones'; "
        "print(clock.zone('Europe/Amsterdam').utcoffset(__import__('datetime').datetime(2026, 7, 1)))"
    )
    env = {**os.environ, "PYTHONTZPATH": ""}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2:00:00"
