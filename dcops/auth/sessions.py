"""Server-side sessions: the browser's cookie names a session row; the row decides whether it still counts."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dcops import audit
from dcops.auth.models import User, UserSession
from dcops.db import atomic, begin_write, utcnow

# How often the last-seen time is written: the idle timeout needs no finer grain, and reads stay reads.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta


def start(db: Session, user: User, life: Lifetime, address: str | None, user_agent: str | None) -> str:
    """A new session for `user`; the token goes into the cookie, only its hash into the database."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + life.absolute,
            address=(address or "")[:45] or None,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    db.flush()
    return token


def user_of(db: Session, token: str, life: Lifetime) -> User | None:
    """The active user of a live session: not ended, not past its absolute end, used within the idle timeout."""
    now = utcnow()
    row = db.execute(
        select(UserSession.id, UserSession.last_seen_at, User)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.token_hash == _hash(token),
            UserSession.ended_at.is_(None),
            UserSession.expires_at > now,
            UserSession.last_seen_at > now - life.idle,
            User.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    key, last_seen, user = row
    if now - last_seen > TOUCH_EVERY:
        begin_write(db)  # its own short write, like an API token's last use
        db.execute(update(UserSession).where(UserSession.id == key).values(last_seen_at=now))
        db.commit()
    return user


def end(db: Session, token: str, actor: str, reason: str) -> None:
    db.execute(
        update(UserSession)
        .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_by=actor, end_reason=reason)
    )


def end_all(db: Session, user_id: int, actor: str, reason: str) -> int:
    """Every open session of a user, at once (deactivated, new password)."""
    result = db.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_by=actor, end_reason=reason)
    )
    return result.rowcount or 0


def end_by_admin(db: Session, session: UserSession, actor: str) -> None:
    with atomic(db):
        session.ended_at, session.ended_by, session.end_reason = utcnow(), actor, "ended by an admin"
        audit.record(db, actor=actor, action="end_session", object_type="user", object_id=session.user_id)


def active(db: Session, life: Lifetime, now: datetime | None = None) -> list[UserSession]:
    now = now or utcnow()
    stmt = (
        select(UserSession)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.ended_at.is_(None),
            UserSession.expires_at > now,
            UserSession.last_seen_at > now - life.idle,
        )
        .order_by(UserSession.last_seen_at.desc())
    )
    return list(db.scalars(stmt))
