"""Fixtures: every database in DCOPS_TEST_DATABASE_URLS (SQLite alone by default), a rolled-back
transaction per test shared by the factories and the app, and signed-in clients per role."""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

# The suite reads dcops in English, its source language: set before dcops is imported (dcops.i18n reads it once) and
# inherited by the servers and commands tests start. The Dutch screens have tests of their own (tests/*/i18n).
os.environ["DCOPS_LANGUAGE"] = "en"
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from dcops import audit, migrate
from dcops.access.keys import KeyRing
from dcops.app import app_state, create_app
from dcops.auth.models import Role
from dcops.auth.service import TokenIn, create_token
from dcops.db import make_engine, make_sessionmaker
from dcops.settings import Settings
from tests import factories

collect_ignore_glob = [] if os.environ.get("DCOPS_BENCH") else ["bench/*"]


def _database_urls() -> list[str]:
    raw = os.environ.get("DCOPS_TEST_DATABASE_URLS", "sqlite")
    return [u.strip() for u in raw.split(",") if u.strip()]


def _label(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


@contextmanager
def fresh_database(url: str, folder: Path) -> Iterator[str]:
    """A new, empty database on the server `url` names ("sqlite": a file in `folder`), dropped afterwards."""
    admin: Engine | None = None
    if url == "sqlite":
        url = f"sqlite:///{folder / f'{uuid.uuid4().hex[:10]}.sqlite3'}"
    else:
        name = f"dcops_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session", params=_database_urls(), ids=_label)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A fresh database per run, brought to the newest schema by the migrations themselves."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        eng = make_engine(url)
        migrate.upgrade(url)
        yield eng
        eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator:
    with engine.connect() as conn:
        trans = conn.begin()
        yield conn
        if trans.is_active:
            trans.rollback()


@pytest.fixture
def maker(connection):  # type: ignore[no-untyped-def]
    return make_sessionmaker(connection, join_transaction_mode="create_savepoint")


@pytest.fixture
def db(maker) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    session = maker()
    for f in factories.ALL:
        f._meta.sqlalchemy_session = session
    yield session
    session.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url="unused://", secret_key="test-secret-" + "x" * 32)


_APPS: dict[tuple[object, ...], Litestar] = {}


@pytest.fixture
def app(settings: Settings, maker, db):  # type: ignore[no-untyped-def]
    """One app per run for the settings its construction reads (building one registers every handler, about a
    second); each test binds its own settings, sessions and per-worker state (dcops.app.app_state) to it."""
    s = settings
    key = (s.secret_key, s.secure_cookies, s.session_max_age, s.site_timezone, s.debug)
    if (app := _APPS.get(key)) is None:
        app = _APPS[key] = create_app(settings, session_maker=maker)
    for name, value in app_state(settings, maker).items():
        app.state[name] = value
    app.state["test_session"] = db
    return app


def keyring_for(settings: Settings, db: Session) -> KeyRing:
    """The pass keys as the app has them: same database (the test's transaction), same key-encryption key."""
    return KeyRing.from_settings(settings, make_sessionmaker(db.get_bind(), join_transaction_mode="create_savepoint"))


_PORTAL: list[BlockingPortal] = []


def _portal() -> BlockingPortal:
    """One event loop in its own thread for every client of this test process, as a worker has one: a client
    not entered as a context manager otherwise starts a thread and an event loop for each request."""
    if not _PORTAL:
        stack = ExitStack()
        _PORTAL.append(stack.enter_context(start_blocking_portal(backend="asyncio")))
        atexit.register(stack.close)
    return _PORTAL[0]


class Client(TestClient):
    """A TestClient that knows its CSRF token, for form posts, and reads English unless told otherwise."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.headers["Accept-Language"] = "en"
        self.blocking_portal = _portal()

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # What a test wrote through `db` stands for requests that committed before this one, and a commit is
        # when dcops appends the audit events recorded (dcops.audit): append them before the app reads.
        if (session := self.app.state.get("test_session")) is not None:  # type: ignore[union-attr]
            audit.append_pending(session)
        return super().request(*args, **kwargs)

    def form(self, path: str, data: dict[str, object] | None = None, **kw):  # type: ignore[no-untyped-def]
        if "csrftoken" not in self.cookies:
            self.get("/login")
        body = {k: ("" if v is None else str(v)) for k, v in (data or {}).items()}
        body["_csrf_token"] = self.cookies["csrftoken"]
        return self.post(path, data=body, **kw)


# Clients are not entered as context managers: several clients on one app would each run its
# lifespan, and the second shutdown waits on the first. Tests hand in the session maker, so the
# lifespan has nothing to do here.
@pytest.fixture
def anon(app) -> Iterator[Client]:  # type: ignore[no-untyped-def]
    yield Client(app)


@pytest.fixture
def login(app, db) -> Iterator[Callable[[Role], Client]]:  # type: ignore[no-untyped-def]
    """login(Role.technician) -> a client signed in as a fresh user with that role."""

    def _login(role: Role) -> Client:
        user = factories.UserFactory(role=role)
        client = Client(app)
        r = client.form("/login", {"username": user.username, "password": factories.PASSWORD})
        # Security lands on the door screen (a kiosk), everyone else on the dashboard.
        assert r.status_code == 200 and r.url.path == ("/door" if role is Role.security else "/"), r.text
        client.user = user  # type: ignore[attr-defined]
        return client

    yield _login


@pytest.fixture
def api(app, db) -> Iterator[Callable[[Role], Client]]:  # type: ignore[no-untyped-def]
    """api(Role.admin) -> a client sending a bearer token of a fresh user with that role."""

    def _api(role: Role) -> Client:
        user = factories.UserFactory(role=role)
        _, secret = create_token(db, TokenIn(user_id=user.id, name="test"), actor="test")
        client = Client(app)
        client.headers["Authorization"] = f"Bearer {secret}"
        client.user = user  # type: ignore[attr-defined]
        return client

    yield _api


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def work(self) -> list[str]:
        """The statements that do the work: transaction control (BEGIN, SAVEPOINT, RELEASE, …) left out."""
        return [s for s in self.statements if not s.lstrip().upper().startswith(TRANSACTION_CONTROL)]


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@pytest.fixture
def count_statements(connection, db) -> Callable[[], StatementCounter]:  # type: ignore[no-untyped-def]
    """Start counting SQL statements on the test's connection (after appending the audit events the test's own
    writes recorded, which a real commit would have appended before)."""
    counters: list[StatementCounter] = []

    def start() -> StatementCounter:
        audit.append_pending(db)
        counter = StatementCounter()
        event.listen(connection, "before_cursor_execute", counter)
        counters.append(counter)
        return counter

    yield start
    for c in counters:
        event.remove(connection, "before_cursor_execute", c)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests (real row locking between connections) run in their [postgresql] variant only."""
    keep, drop = [], []
    for item in items:
        (drop if "postgres_only" in item.keywords and "[sqlite" in item.nodeid else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
