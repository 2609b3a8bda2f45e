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


def test_keys_list_and_rotate_in_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DCOPS_SECRET_KEY", "cli-" + "s" * 40)
    monkeypatch.delenv("DCOPS_DATABASE_URL", raising=False)
    monkeypatch.delenv("DCOPS_KEY_ENCRYPTION_KEY", raising=False)
    run = CliRunner().invoke
    assert run(main, ["db", "upgrade"]).exit_code == 0
    first = run(main, ["keys", "rotate"])  # the first key is made (and checked), then replaced
    assert first.exit_code == 0 and "verifies its passes until now (none open)" in first.output, first.output
    r = run(main, ["keys", "rotate"])  # and the first, with no open pass, pruned
    assert r.exit_code == 0, r.output
    listed = run(main, ["keys", "list"]).output.splitlines()
    assert len(listed) == 2 and sum("current" in line and "retired" not in line for line in listed) == 1
    assert not (tmp_path / "pass-keys").exists()  # nothing on this host's disk

    # A host with another key-encryption key would seal the new key where the others cannot read it.
    monkeypatch.setenv("DCOPS_KEY_ENCRYPTION_KEY", "not the installation's")
    r = run(main, ["keys", "rotate"])
    assert r.exit_code == 1 and "cannot be decrypted" in r.output and "--replace-unreadable" in r.output
    assert run(main, ["keys", "rotate", "--replace-unreadable"]).exit_code == 0  # a lost key-encryption key
    monkeypatch.delenv("DCOPS_KEY_ENCRYPTION_KEY")
    assert run(main, ["keys", "rotate"]).exit_code == 1  # now the old setting is the wrong one


# What `dcops sweep` must not load: the web stack, templates, QR codes, crypto, migrations, password hashing.
HEAVY = ("litestar", "jinja2", "qrcode", "cryptography", "alembic", "argon2", "yaml", "dcops.web", "dcops.app")
PROBE = """
import json, sys
from dcops.cli import main
try:
    main(["sweep", "--json"])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules if m.split(".")[0] in HEAVY
                                                  or m.startswith(("dcops.web", "dcops.app")))}))
"""


def test_the_sweep_command_loads_only_what_it_needs(tmp_path):
    """Start-up time is import time: a whole `dcops sweep --json` process stays fast only while it keeps
    the web app and its dependencies out (tests/bench/test_cli_sweep_bench.py times it)."""
    import json
    import os
    import subprocess
    import sys

    from dcops import migrate

    url = f"sqlite:///{tmp_path / 'dcops.sqlite3'}"
    migrate.upgrade(url)
    env = {**os.environ, "DCOPS_DATA_DIR": str(tmp_path), "DCOPS_DATABASE_URL": url, "DCOPS_SECRET_KEY": "s" * 40}
    probe = f"HEAVY = {HEAVY!r}\n{PROBE}"
    proc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    assert last["code"] == 0 and '"needs_action": false' in proc.stdout  # the command ran, on an empty database
    assert last["loaded"] == []


def test_a_command_closes_its_database_however_it_ends(tmp_path, monkeypatch):
    """`dcops sweep` ends with exit code 1 when something needs action: its connections are closed all the same, so
    SQLite folds its write-ahead log back into the database file and removes it."""
    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DCOPS_DATABASE_URL", raising=False)
    run = CliRunner().invoke
    assert run(main, ["db", "upgrade"]).exit_code == 0
    assert run(main, ["seed", "load", str(DEMO)]).exit_code == 0
    assert not (tmp_path / "dcops.sqlite3-wal").exists()
    r = run(main, ["sweep"])
    assert r.exit_code == 1 and "need action" in r.output, r.output
    assert not (tmp_path / "dcops.sqlite3-wal").exists()
