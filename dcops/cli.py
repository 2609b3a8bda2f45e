"""dcops serve | db | seed | user | audit verify | sweep | keys | outbox send | import devicetypes | import netbox |
export netbox"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Any

import click

from dcops.settings import Settings


def _settings() -> Settings:
    return Settings.from_env()


_engines: list[Any] = []  # closed when a command is done


def _maker():  # type: ignore[no-untyped-def]
    from dcops.db import make_engine, make_sessionmaker

    _engines.append(make_engine(_settings().database_url))
    return make_sessionmaker(_engines[-1])


def _session():  # type: ignore[no-untyped-def]
    return _maker()()


def _keyring():  # type: ignore[no-untyped-def]
    from dcops.access.keys import KeyRing

    return KeyRing.from_settings(_settings(), _maker())


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """dcops: datacenter operations with the general terms enforced."""
    ctx.call_on_close(_done)  # however the command ends: returned, exit code, error


def _done() -> None:
    """The command has ended: its database connections are closed now (SQLite folds its write-ahead log back in,
    PostgreSQL sees a proper goodbye)."""
    while _engines:
        _engines.pop().dispose()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=1, show_default=True, type=int, help="Worker processes; use several only on PostgreSQL."
)
@click.option("--reload", is_flag=True, help="Reload on code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the web app and API."""
    import uvicorn

    settings = _settings()  # makes the data dir and secret before workers start
    if workers > 1 and settings.database_url.startswith("sqlite"):
        click.echo("note: several workers on SQLite serialise their writes; use PostgreSQL for that.", err=True)
    click.echo(f"dcops serving on http://{host}:{port}  (database: {settings.database_url.split('@')[-1]})")
    uvicorn.run(
        "dcops.app:app_from_env", factory=True, host=host, port=port, workers=workers, reload=reload, log_level="info"
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command()
def upgrade() -> None:
    """Apply all migrations (creates the database if needed)."""
    from dcops import migrate

    settings = _settings()
    # The settings let migration 0008 move keys and documents from the data directory into the database.
    migrate.upgrade(settings.database_url, settings=settings)
    click.echo("database is at the newest schema")


@db.command()
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    """Autogenerate a migration from the models (developers)."""
    from dcops import migrate

    migrate.revision(_settings().database_url, message)


@main.group()
def seed() -> None:
    """Demo data."""


@seed.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def seed_load(path: Path) -> None:
    """Load demo data; objects that exist already are left as they are."""
    from dcops.documents import DocumentStore
    from dcops.notices import site
    from dcops.seed import load

    settings = _settings()
    with _session() as session, site.use(settings):  # the messages it writes link to DCOPS_BASE_URL
        counts = load(
            session,
            path,
            DocumentStore(),
            settings.today(),
            keys=_keyring(),
            usual_rate_cents=settings.usual_rate_cents,
        )
        session.commit()
    made = ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing new (already loaded)"
    click.echo(f"seed: {made}")


@seed.command("logins")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def seed_logins(path: Path) -> None:
    """Print the demo users' logins."""
    from dcops.seed import read

    click.echo("Demo logins (username / password, role):")
    for u in read(path).get("users", []):
        click.echo(f"  {u['username']:<12} / {u['password']:<22} {u['role']}")


@main.group()
def user() -> None:
    """Users."""


@user.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice(["admin", "account_manager", "technician", "security"]), required=True)
@click.password_option()
def user_create(username: str, display_name: str, role: str, password: str) -> None:
    """Create a user."""
    from dcops.auth.service import UserIn, create_user
    from dcops.errors import ValidationFailed
    from dcops.validation import parse

    with _session() as session:
        try:
            data = parse(
                UserIn, {"username": username, "display_name": display_name, "role": role, "password": password}
            )
            create_user(session, data, actor="cli")
        except ValidationFailed as exc:
            raise click.ClickException(str(exc)) from exc
        session.commit()
    click.echo(f"created {role} {username}")


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; exit 1 and name the first broken event if it does not hold."""
    from dcops.audit import verify

    with _session() as session:
        report = verify(session)
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} events")
        return
    click.echo(
        f"audit chain BROKEN at event {report.first_broken}: {report.problem} "
        f"({report.checked} events before it are intact)",
        err=True,
    )
    sys.exit(1)


@main.command()
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Sweep as on this day (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, as GET /api/compliance does.")
def sweep(on: Any, as_json: bool) -> None:
    """Visitor-data housekeeping (R3), then what needs action today, per rule; exit code 1 when anything does."""
    from dcops.access.retention import housekeeping
    from dcops.customers.compliance import sweep as run_sweep

    settings = _settings()
    day = on.date() if on else settings.today()
    with _session() as session:
        kept = housekeeping(
            session, day, settings.people_idle_days, settings.visitor_retention_months, settings.site_timezone
        )
        session.commit()
        report = run_sweep(session, day)
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "housekeeping": kept.as_dict()}, indent=2))
    else:
        click.echo(
            f"Visitor data (R3): {len(kept.deactivated)} deactivated after {settings.people_idle_days} idle days, "
            f"{len(kept.pseudonymised)} pseudonymised after {settings.visitor_retention_months} months"
            + (f", {len(kept.kept_for_breach)} kept as evidence in an open breach" if kept.kept_for_breach else "")
        )
        click.echo(f"Compliance on {day}: {report.count} {'item needs' if report.count == 1 else 'items need'} action")
        for section in report.sections:
            click.echo(f"\n{section.title} [{section.rule}]: {len(section.lines) or 'none'}")
            for line in section.lines:
                click.echo(f"  Art. {line.article} ({line.rule})  {line.subject}: {line.message}  -> {line.link}")
    sys.exit(1 if report.needs_action else 0)


@main.group()
def keys() -> None:
    """Visit pass signing keys."""


@keys.command("list")
def keys_list() -> None:
    """The public keys passes are verified with."""
    for key in _keyring().public_keys().values():
        info = key.as_dict()
        state = "current" if info["current"] else f"retired, kept until {info['retire_after']}"
        click.echo(f"{info['kid']}  {state}")


@keys.command("rotate")
@click.option(
    "--replace-unreadable",
    is_flag=True,
    help="Rotate although this host cannot decrypt the current key (its key-encryption key was lost).",
)
def keys_rotate(replace_unreadable: bool) -> None:
    """Sign new passes with a new key; the old public key is kept until the last pass it signed expires."""
    from dcops.errors import SigningKeyUnreadable

    ring = _keyring()
    try:
        ring.check()
    except SigningKeyUnreadable as exc:
        # A host with the wrong key-encryption key would seal the new key where the other hosts cannot read it.
        if not replace_unreadable:
            raise click.ClickException(f"{exc}\nRun with --replace-unreadable to replace it anyway.") from exc
    done = ring.rotate()  # one transaction in the shared database: every host signs with the new key from now on
    if done.old is None:
        click.echo(f"New signing key {done.new.hex()} (there was none before)")
    else:
        until = done.old_verifies_until or "now (none open)"
        click.echo(f"New signing key {done.new.hex()}; {done.old.hex()} verifies its passes until {until}")


@main.group()
def outbox() -> None:
    """Written notices to customers."""


@outbox.command("send")
@click.option(
    "--once", is_flag=True, help="Send what is due now and stop (default: keep sending as messages fall due)."
)
def outbox_send(once: bool) -> None:
    """Deliver the outbox by SMTP (DCOPS_SMTP_URL, from DCOPS_MAIL_FROM); several senders may run at once."""
    import time

    from dcops.notices.sender import Mailer, send_due
    from dcops.notices.worker import IDLE

    settings = _settings()
    if not settings.smtp_url:
        raise click.ClickException("DCOPS_SMTP_URL is not set: messages wait in the outbox")
    mailer, maker = Mailer.from_settings(settings), _maker()
    while True:
        report = send_due(maker, mailer)
        if report.claimed or once:
            click.echo(f"outbox: {len(report.sent)} sent, {len(report.failed)} not delivered")
        if once:
            sys.exit(1 if report.failed else 0)
        if not report.claimed:
            time.sleep(IDLE)


@main.group("import")
def import_() -> None:
    """Bring inventory in from NetBox and its device-type library."""


@import_.command("devicetypes")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count only; change nothing.")
def import_devicetypes(paths: tuple[Path, ...], dry_run: bool) -> None:
    """Hardware types from device-type library files, or folders of them (device-types/<Maker>/<model>.yaml).
    All of them or none: any problem is listed with its file and nothing is saved."""
    from dcops.interop.devicetypes import import_library

    with _session() as session:
        report = import_library(session, paths, "import")
        counts = ", ".join(f"{report.counts[k]} {k}" for k in ("created", "updated", "unchanged"))
        _conclude(session, report.problems, dry_run, f"{counts} ({report.files} file(s) read)")


def _conclude(session: Any, problems: list[Any], dry_run: bool, summary: str) -> None:
    """An import's end: every problem and nothing saved, or the dry run's counts, or saved."""
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        session.rollback()
        raise click.ClickException(f"{len(problems)} problem(s): nothing saved")
    if dry_run:
        session.rollback()
        click.echo(f"would be: {summary} (dry run: nothing saved)")
        return
    session.commit()
    click.echo(summary)


@import_.command("netbox")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count only; change nothing.")
@click.option(
    "--contract",
    "contracts",
    multiple=True,
    metavar="TENANT=NUMBER",
    help="The contract a tenant's devices run under when their row names none (repeat per tenant).",
)
def import_netbox(paths: tuple[Path, ...], dry_run: bool, contracts: tuple[str, ...]) -> None:
    """Tenants, sites, locations, racks and devices from NetBox: bulk-import files (CSV, YAML, JSON named after what
    they hold, e.g. racks.csv) or REST API pages (/api/dcim/racks/ ...). All of them or none: every problem is
    listed with its file, row, field and rule, and nothing is saved."""
    from dcops.errors import ValidationFailed
    from dcops.interop.jobs import parse_contracts
    from dcops.interop.netbox import import_files

    try:
        defaults = parse_contracts("\n".join(contracts))
    except ValidationFailed as exc:
        raise click.BadParameter(exc.errors["contracts"], param_hint="--contract") from exc
    from tqdm import tqdm

    with _session() as session, tqdm(unit=" rows", desc="checking", disable=None, leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = import_files(session, paths, "import", _settings().today(), defaults, progress)
        bar.close()
        _conclude(session, report.problems, dry_run, report.summary())


@main.group("export")
def export_() -> None:
    """Take inventory out, for NetBox and its device-type library."""


@export_.command("netbox")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_netbox(folder: Path) -> None:
    """CSV files NetBox's bulk import takes (tenants, sites, locations, racks, devices) and the hardware types as
    device-type library YAML under FOLDER/device-types; `dcops import` reads them back unchanged."""
    from dcops.interop.netbox_export import export

    with _session() as session:
        done = export(session, folder)
    click.echo(", ".join(f"{n} {kind}" for kind, n in done.counts.items()) + f" written to {folder}")


def entry() -> None:
    """The `dcops` console script: the command, then the process ends without collecting cycles among what the
    command built, all of it about to be freed (after a large import that took 0.15-0.2 s)."""
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    entry()
