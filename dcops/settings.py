"""Settings from DCOPS_* environment variables; create_app() takes them explicitly."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dcops import clock
from dcops.notices.addresses import check_sender, parse_smtp_url
from dcops.terms.working_days import OfficeHours


def _secret_from_data_dir(data_dir: Path) -> str:
    """A per-installation secret, made once and kept (mode 0600) so sessions survive restarts."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


MIN_RETENTION_MONTHS = 3
USUAL_RATE_CENTS = 95_00  # M2, Art. 15.3: the supplier's usual hourly rate for extra work, where none was agreed


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    # Encrypts the pass signing keys in the database; empty: derived from secret_key (dcops.access.keys).
    key_encryption_key: str = ""
    site_timezone: str = "Europe/Amsterdam"
    language: str = "nl"  # for readers who chose none and whose browser asks for neither Dutch nor English
    base_url: str = "http://127.0.0.1:8000"
    debug: bool = False
    secure_cookies: bool = False
    session_max_age: int = 12 * 3600  # absolute: a session ends this long after sign-in, active or not
    session_idle: int = 8 * 3600  # a session unused this long ends
    login_throttle_storage: str = "memory://"  # limits storage URI: redis://… to share counts between workers
    people_idle_days: int = 365  # people not on any visit for this long are deactivated by the sweep
    visitor_retention_months: int = 12  # R3: then inactive people and their door checks are pseudonymised
    office_hours: OfficeHours = OfficeHours()  # R4: an announcement after closing counts from the next working day
    usual_rate_cents: int = USUAL_RATE_CENTS  # extra work's usual hourly rate (DCOPS_USUAL_RATE_CENTS)
    # Where written notices are delivered (dcops.notices): smtp://user:pass@host:587, smtps://host, smtp://host:25.
    # Empty: messages wait in the outbox.
    smtp_url: str = ""
    mail_from: str = "dcops@localhost"  # the sender of every message (From and the SMTP envelope)

    def __post_init__(self) -> None:
        if self.visitor_retention_months < MIN_RETENTION_MONTHS:
            raise ValueError(
                f"DCOPS_VISITOR_RETENTION_MONTHS must be at least {MIN_RETENTION_MONTHS}: door checks are evidence"
            )
        if not 60 <= self.session_idle <= self.session_max_age:
            raise ValueError("DCOPS_SESSION_IDLE_HOURS must be more than a minute and at most DCOPS_SESSION_MAX_HOURS")
        if not clock.is_zone(self.site_timezone):
            raise ValueError("DCOPS_TIMEZONE must be a time zone name, such as Europe/Amsterdam")
        if self.language not in ("nl", "en"):
            raise ValueError("DCOPS_LANGUAGE must be nl or en")
        if self.people_idle_days < 1:
            raise ValueError("DCOPS_PEOPLE_IDLE_DAYS must be at least 1")
        if not 0 < self.usual_rate_cents <= 10**9:
            raise ValueError("DCOPS_USUAL_RATE_CENTS must be an hourly rate in cents, more than zero")
        # Checked at start, not at the first message hours later.
        if self.smtp_url:
            parse_smtp_url(self.smtp_url)
        check_sender(self.mail_from)

    def today(self) -> date:
        return clock.today(self.site_timezone)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("DCOPS_DATA_DIR", "var"))
        database_url = env.get("DCOPS_DATABASE_URL") or f"sqlite:///{data_dir / 'dcops.sqlite3'}"
        secret = env.get("DCOPS_SECRET_KEY") or _secret_from_data_dir(data_dir)
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=secret,
            key_encryption_key=env.get("DCOPS_KEY_ENCRYPTION_KEY", ""),
            site_timezone=env.get("DCOPS_TIMEZONE", "Europe/Amsterdam"),
            language=env.get("DCOPS_LANGUAGE", "nl").strip().lower() or "nl",
            base_url=env.get("DCOPS_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            debug=env.get("DCOPS_DEBUG", "") in {"1", "true", "yes"},
            secure_cookies=env.get("DCOPS_SECURE_COOKIES", "") in {"1", "true", "yes"},
            session_max_age=int(float(env.get("DCOPS_SESSION_MAX_HOURS", "12")) * 3600),
            session_idle=int(float(env.get("DCOPS_SESSION_IDLE_HOURS", "8")) * 3600),
            login_throttle_storage=env.get("DCOPS_LOGIN_THROTTLE_STORAGE", "memory://"),
            people_idle_days=int(env.get("DCOPS_PEOPLE_IDLE_DAYS", "365")),
            visitor_retention_months=int(env.get("DCOPS_VISITOR_RETENTION_MONTHS", "12")),
            office_hours=OfficeHours.parse(env.get("DCOPS_OFFICE_HOURS", "08:30-17:30")),
            usual_rate_cents=int(env.get("DCOPS_USUAL_RATE_CENTS", str(USUAL_RATE_CENTS))),
            smtp_url=env.get("DCOPS_SMTP_URL", "").strip(),
            mail_from=env.get("DCOPS_MAIL_FROM", "").strip() or "dcops@localhost",
        )
