"""Sign in and out; users and API tokens for admins."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops import crud
from dcops.auth import service, sessions
from dcops.auth.middleware import SESSION_KEY
from dcops.auth.models import ApiToken, Role, User, UserSession
from dcops.auth.permissions import Perm
from dcops.auth.throttle import LoginThrottle
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _
from dcops.validation import parse
from dcops.web.forms import Field, enum_choices, render, submit
from dcops.web.helpers import actor
from dcops.web.routes import Db, Form, get, post

ADMIN = {"perm": Perm.users_admin}
FORM = "forms/generic.html"

USER = [
    Field("username", N_("Username"), required=True, help=N_("lowercase letters, digits, . _ -")),
    Field("display_name", N_("Full name"), required=True),
    Field("role", N_("Role"), "select", True, enum_choices(Role)),
    # the help repeats service.MIN_PASSWORD
    Field("password", N_("Initial password"), "password", True, help=N_("at least 10 characters")),
]


def _users_page(request: Request, db: Session, status: int = 200, **extra: Any) -> Template:
    users = db.scalars(select(User).order_by(User.username)).all()
    tokens = db.scalars(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ).all()
    live = sessions.active(db, request.app.state.session_life)
    return render("auth/users.html", status, users=users, tokens=tokens, sessions=live, **extra)


def _safe_next(target: object) -> str:
    # Only local paths: never redirect a fresh login to another site (nor anywhere a crafted post names twice).
    return target if isinstance(target, str) and target.startswith("/") and not target.startswith("//") else "/"


class LoginPages(Controller):
    @get("/login", name="login", opt={"perm": Perm.public})
    def login_form(self, next: FromQuery[str] = "/") -> Template:  # noqa: A002
        return render("auth/login.html", values={"next": next}, error="")

    # Reads first: a sign-in, refused or throttled, must not hold SQLite's write lock the door waits for.
    @post("/login", opt={"perm": Perm.public, "reads_first": True})
    def login(self, request: Request, db: Db, data: Form) -> Any:
        username, password = str(data.get("username", "")), str(data.get("password", ""))
        values = {"username": username, "next": data.get("next", "/")}
        address = request.client.host if request.client else "unknown"
        throttle: LoginThrottle = request.app.state.login_throttle
        if wait := throttle.wait(username, address):
            service.record_throttled(db, throttle, username, address, wait)
            minutes = f"{wait.seconds // 60} min {wait.seconds % 60} s" if wait.seconds >= 60 else f"{wait.seconds} s"
            error = (
                _("Too many failed sign-ins for this account. Try again in %(wait)s.", wait=minutes)
                if wait.reason == "account"
                else _("Too many failed sign-ins for this network address. Try again in %(wait)s.", wait=minutes)
            )
            page = render("auth/login.html", 429, values=values, error=error)
            page.headers["Retry-After"] = str(wait.seconds)
            return page
        user = service.authenticate(db, username, password)
        if user is None:
            throttle.failed(username, address)
            return render(
                "auth/login.html",
                401,
                values=values,
                error=_("Wrong username or password, or the account is inactive."),
            )
        throttle.succeeded(username)
        life = request.app.state.session_life
        token = sessions.start(db, user, life, address, request.headers.get("user-agent"))
        request.clear_session()
        request.set_session({SESSION_KEY: token})
        return Redirect(_safe_next(data.get("next", "/")))

    @post("/logout", name="logout", opt={"perm": Perm.authenticated})
    def logout(self, request: Request, db: Db) -> Redirect:
        """The session ends in the database: the cookie, replayed, no longer signs anyone in."""
        token = request.session.get(SESSION_KEY)
        if isinstance(token, str):
            sessions.end(db, token, actor(request), "signed out")
        request.clear_session()
        return Redirect("/login")


class UserPages(Controller):
    path = "/users"
    opt = ADMIN

    @get("/", name="users")
    def index(self, request: Request, db: Db) -> Template:
        return _users_page(request, db)

    @get("/new", name="user_new")
    def new(self) -> Template:
        return render(FORM, title=_("New user"), fields=USER, values={"role": "technician"}, errors={}, cancel="/users")

    @post("/new")
    def create(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            FORM,
            data,
            lambda: service.create_user(db, parse(service.UserIn, data, form=True), actor(request)),
            lambda u: "/users",
            _("User created"),
            title=_("New user"),
            fields=USER,
            cancel="/users",
        )

    @post("/{user_id:int}/active")
    def toggle(self, request: Request, db: Db, user_id: FromPath[int], data: Form) -> Redirect:
        user = crud.get(db, User, user_id)
        service.set_active(db, user, data.get("active") == "1", actor(request))
        request.app.state.token_cache.forget_user(user.id)  # this worker at once, the others within a second
        now = _("%(user)s is now active", user=user.username) if user.active else None
        flash(request, now or _("%(user)s is now inactive", user=user.username), category="success")
        return Redirect("/users")

    @post("/tokens")
    def create_token(self, request: Request, db: Db, data: Form) -> Template:
        """The page itself answers, not a redirect: the secret is shown this once and never stored."""
        try:
            token, secret = service.create_token(db, parse(service.TokenIn, data, form=True), actor(request))
        except ValidationFailed as exc:
            return _users_page(request, db, 422, token_errors=exc.errors, token_values=data)
        return _users_page(request, db, secret=secret, new_token=token)

    @post("/sessions/{session_id:int}/end")
    def end_session(self, request: Request, db: Db, session_id: FromPath[int]) -> Redirect:
        session = crud.get(db, UserSession, session_id)
        if session.ended_at is None:
            sessions.end_by_admin(db, session, actor(request))
            flash(request, _("The session of %(user)s is ended", user=session.user.username), category="success")
        return Redirect("/users")

    @post("/tokens/{token_id:int}/revoke")
    def revoke_token(self, request: Request, db: Db, token_id: FromPath[int]) -> Redirect:
        token = crud.get(db, ApiToken, token_id)
        service.revoke_token(db, token, actor(request))
        request.app.state.token_cache.forget(token.token_hash)  # this worker at once, the others within a second
        flash(request, _("Token revoked"), category="success")
        return Redirect("/users")
