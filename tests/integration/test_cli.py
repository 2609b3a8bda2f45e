"""The console script, end to end on a scratch SQLite database."""

from click.testing import CliRunner

from dcops.cli import main
from tests.integration.test_seed_and_schema import DEMO


def test_upgrade_seed_user_and_verify(tmp_path, monkeypatch):
    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DCOPS_DATABASE_URL", raising=False)
    run = CliRunner().invoke
    assert run(main, ["db", "upgrade"]).exit_code == 0
    assert (tmp_path / "dcops.sqlite3").exists()
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    r = run(main, ["seed", "load", str(DEMO)])
    assert r.exit_code == 0 and "76 hardware" in r.output
    assert "already loaded" in run(main, ["seed", "load", str(DEMO)]).output
    assert "demo-admin-2026" in run(main, ["seed", "logins", str(DEMO)]).output
    r = run(
        main,
        ["user", "create", "ops", "--name", "Ops", "--role", "technician"],
        input="long password 1\nlong password 1\n",
    )
    assert r.exit_code == 0, r.output
    r = run(
        main,
        ["user", "create", "ops", "--name", "Ops", "--role", "technician"],
        input="long password 1\nlong password 1\n",
    )
    assert r.exit_code != 0 and "already in use" in r.output
    r = run(main, ["audit", "verify"])
    assert r.exit_code == 0 and "intact" in r.output

    import sqlite3

    with sqlite3.connect(tmp_path / "dcops.sqlite3") as conn:
        conn.execute("UPDATE audit_event SET actor = 'mallory' WHERE seq = 5")
    r = run(main, ["audit", "verify"])
    assert r.exit_code == 1 and "BROKEN at event 5" in r.output
