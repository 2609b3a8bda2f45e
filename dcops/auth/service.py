"""Passwords (argon2), logins, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import parse_many
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dcops import audit, crud
from dcops.auth import sessions
from dcops.auth.models import ApiToken, Role, User
from dcops.auth.throttle import LoginThrottle, Wait, hashing
from dcops.db import atomic, begin_write, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import N_, _
from dcops.validation import Id

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not a password")
TOKEN_PREFIX = "dcops_"
MIN_PASSWORD = 10


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user as the web layer sees it: plain data, no session attached."""

    id: int
    username: str
    display_name: str
    role: Role
    via_token: bool = False

    @classmethod
    def of(cls, user: User, via_token: bool = False) -> CurrentUser:
        return cls(user.id, user.username, user.display_name, user.role, via_token)


class UserIn(msgspec.Struct, kw_only=True):
    username: Annotated[
        str,
        msgspec.Meta(
            min_length=2,
            max_length=64,
            pattern=r"^[a-z0-9._-]+$",
            description=N_("lowercase letters, digits, dots, dashes or underscores"),
        ),
    ]
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    role: Role
    password: Annotated[str, msgspec.Meta(min_length=MIN_PASSWORD, max_length=200)]


class TokenIn(msgspec.Struct, kw_only=True):
    user_id: Id
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


def hash_password(password: str) -> str:
    with hashing():
        return _hasher.hash(password)


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The user if the password is right and the account active; every attempt that gets this far is audited
    (throttled ones are not: see `record_throttled`)."""
    user = db.scalars(select(User).where(User.username == username.strip().lower()[:64])).first()
    try:
        with hashing():
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    begin_write(db)  # the reading part is over: take the write lock only for the audit and the session
    with atomic(db):
        if ok and user is not None:
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            user.last_login_at = utcnow()
            audit.record(db, actor=user.username, action="login", object_type="user", object_id=user.id)
        else:
            audit.record(
                db,
                actor=username[:64] or "?",
                action="login_failed",
                object_type="user",
                object_id=user.id if user else "-",
            )
    return user if ok else None


# A flood is recorded, not every attempt in it: one audit event per account or address and minute.
_ONCE_A_MINUTE = parse_many("1/minute")[0]


def record_throttled(db: Session, throttle: LoginThrottle, username: str, address: str, wait: Wait) -> None:
    key = username.strip().lower()[:64] if wait.reason == "account" else address
    if not throttle.limiter.hit(_ONCE_A_MINUTE, "throttled-audit", wait.reason, key):
        return
    begin_write(db)
    with atomic(db):
        audit.record(
            db,
            actor=username[:64] or "?",
            action="login_throttled",
            object_type="user",
            object_id="-",
            extra={"by": wait.reason, "address": address, "retry_after_s": wait.seconds},
        )


def create_user(db: Session, data: UserIn, actor: str) -> User:
    values = msgspec.structs.asdict(data)
    values["password_hash"] = hash_password(values.pop("password"))
    user = crud.create(db, User, values, actor=actor, unique=(("username",),))
    return user


def set_password(db: Session, user: User, password: str, actor: str) -> None:
    """A new password ends every session signed in with the old one."""
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": _("At least %(n)s characters", n=MIN_PASSWORD)})
    with atomic(db):
        user.password_hash = hash_password(password)
        sessions.end_all(db, user.id, actor, "password changed")
        audit.record(db, actor=actor, action="set_password", object_type="user", object_id=user.id)


def set_active(db: Session, user: User, active: bool, actor: str) -> None:
    """Deactivating a user ends its sessions at once (and its tokens stop working: they need an active user)."""
    if not active and user.username == actor:
        raise Conflict(_("You cannot deactivate your own account"))
    with atomic(db):
        crud.update(db, user, {"active": active}, actor=actor)
        if not active:
            sessions.end_all(db, user.id, actor, "account deactivated")


def token_hash(secret: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough and keeps every API call cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(db: Session, data: TokenIn, actor: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is shown once and never stored."""
    user = db.get(User, data.user_id)
    if user is None:
        raise ValidationFailed({"user_id": _("No %(what)s with id %(id)s", what=_("user"), id=data.user_id)})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with atomic(db):
        token = ApiToken(
            user_id=user.id, name=data.name, prefix=secret[:12], token_hash=token_hash(secret), created_by=actor
        )
        db.add(token)
        db.flush()
        audit.record(
            db,
            actor=actor,
            action="create_token",
            object_type="api token",
            object_id=token.id,
            after={"user": user.username, "name": data.name, "prefix": token.prefix},
        )
    return token, secret


def revoke_token(db: Session, token: ApiToken, actor: str) -> None:
    if token.revoked_at is not None:
        return
    with atomic(db):
        token.revoked_at = utcnow()
        audit.record(db, actor=actor, action="revoke_token", object_type="api token", object_id=token.id)


def user_for_token(db: Session, secret: str) -> CurrentUser | None:
    """The active user behind an unrevoked token. One row, no ORM objects: it runs on every API call."""
    row = db.execute(
        select(ApiToken.id, ApiToken.last_used_at, User.id, User.username, User.display_name, User.role)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(secret), ApiToken.revoked_at.is_(None), User.active)
    ).first()
    if row is None:
        return None
    token_id, last_used, *user = row
    now = utcnow()
    # Record use at most every few minutes, not a write on every API call.
    if last_used is None or now - last_used > timedelta(minutes=5):
        begin_write(db)  # its own short write transaction: a read upgraded to a write could not wait its turn
        db.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.commit()
    return CurrentUser(*user, via_token=True)
