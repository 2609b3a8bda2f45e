"""create_app(settings) -> Litestar: the one place the web application is put together."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from litestar import Litestar, Request, Router, get
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.response import File
from litestar.static_files import create_static_files_router
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dcops import __version__
from dcops.access.api import ROUTERS as ACCESS_API
from dcops.access.door_lane import DoorLane
from dcops.access.keys import KeyRing
from dcops.access.pages import ROUTE_HANDLERS as ACCESS_PAGES
from dcops.auth.middleware import AuthMiddleware, LoginFloodMiddleware, permission_guard
from dcops.auth.pages import LoginPages, UserPages
from dcops.auth.permissions import Perm
from dcops.auth.sessions import Lifetime
from dcops.auth.throttle import LoginThrottle
from dcops.auth.token_cache import TokenCache
from dcops.cabling.api import ROUTERS as CABLE_API
from dcops.cabling.pages import CABLE_PAGES
from dcops.customers.api import ROUTERS as CUSTOMER_API
from dcops.customers.pages import FORM_ROUTERS as CUSTOMER_FORMS
from dcops.customers.pages import ContractPages, CustomerPages
from dcops.customers.record_forms import FORM_ROUTERS as RECORD_FORMS
from dcops.customers.records_api import ROUTERS as RECORDS_API
from dcops.customers.records_pages import (
    BreachPages,
    CompliancePage,
    InvoicePages,
    LienPages,
    PermissionPages,
    PolicyPages,
    PolicyRequestPages,
)
from dcops.db import checkpoint_loop, make_engine, make_sessionmaker, request_session
from dcops.interop.csv_lists import CSV_LISTS
from dcops.interop.pages import ImportPages
from dcops.interop.worker import job_loop
from dcops.maintenance.api import ROUTERS as MAINTENANCE_API
from dcops.maintenance.pages import MAINTENANCE_PAGES
from dcops.moves.api import ROUTERS as RELOCATION_API
from dcops.moves.pages import RELOCATION_PAGES
from dcops.notices.api import ROUTERS as OUTBOX_API
from dcops.notices.pages import OutboxPages
from dcops.notices.worker import outbox_loop
from dcops.racks.api import ROUTERS as RACK_API
from dcops.racks.pages import FORM_ROUTERS as RACK_FORMS
from dcops.racks.pages import HardwarePages, RackPages, RoomPages, SitePages
from dcops.racks.types_api import ROUTERS as HARDWARE_TYPE_API
from dcops.racks.types_pages import HardwareTypePages
from dcops.settings import Settings
from dcops.web.global_search import SearchPage
from dcops.web.header_guard import HeaderGuard
from dcops.web.headers import security_headers
from dcops.web.input_guard import guard_input
from dcops.web.locale import LocaleMiddleware, switch_language
from dcops.web.openapi_problems import document_problems
from dcops.web.pages import AuditPages, DashboardPage
from dcops.web.problems import EXCEPTION_HANDLERS
from dcops.web.site import SiteMiddleware
from dcops.web.source import source
from dcops.web.swagger import SwaggerUI
from dcops.web.templating import template_config
from dcops.work.api import ROUTERS as WORK_API
from dcops.work.pages import WORK_PAGES

STATIC = Path(__file__).resolve().parent / "web" / "static"


def _key(secret: str, purpose: str) -> bytes:
    """Separate keys per purpose from the one installation secret."""
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


@get("/favicon.ico", opt={"perm": Perm.public}, include_in_schema=False, cache=86400)
async def favicon() -> File:
    """Browsers ask for /favicon.ico whatever the page links to."""
    return File(STATIC / "favicon.ico", media_type="image/vnd.microsoft.icon", content_disposition_type="inline")


def app_state(settings: Settings, maker: sessionmaker[Session], pass_keys: KeyRing | None = None) -> dict[str, object]:
    """What requests read from `app.state`: everything a request needs of the settings and the database is here,
    not in closures, so tests can build the app once and bind each test's settings and sessions to it."""
    return {
        "session_maker": maker,
        "settings": settings,
        "pass_keys": pass_keys or KeyRing.from_settings(settings, maker),
        "login_throttle": LoginThrottle(settings.login_throttle_storage),
        "token_cache": TokenCache(),
        "session_life": Lifetime(
            idle=timedelta(seconds=settings.session_idle), absolute=timedelta(seconds=settings.session_max_age)
        ),
    }


def create_app(
    settings: Settings, session_maker: sessionmaker[Session] | None = None, run_jobs: bool | None = None
) -> Litestar:
    """`session_maker` lets tests hand in sessions bound to a rolled-back transaction. `run_jobs`: this app claims
    and runs queued imports, and with DCOPS_SMTP_URL delivers the outbox, in the background (by default when it has
    its own engine, not a test's sessions)."""
    engine = None
    session_maker_given = session_maker is not None
    if session_maker is None:
        engine = make_engine(settings.database_url, background_checkpoints=True)
        session_maker = make_sessionmaker(engine)
    maker = session_maker

    async def db_dependency(state: State, request: Request) -> AsyncIterator[Session]:
        reads_first = request.route_handler.opt.get("reads_first", False)
        write = request.method not in ("GET", "HEAD", "OPTIONS") and not reads_first
        with request_session(state.session_maker, write=write) as db:
            yield db

    pass_keys = KeyRing.from_settings(settings, maker)

    def check_keys() -> None:
        # A host whose key-encryption key cannot read the signing key refuses to start, rather than
        # failing the first approval hours later. A database not reachable (or not migrated) yet is no reason
        # not to start: requests answer 503 until it is, and the first pass signed makes the check.
        try:
            pass_keys.check()
        except SQLAlchemyError as exc:
            logging.getLogger("dcops").warning("pass signing key not checked at startup: %s", exc)

    background: list[asyncio.Task[None]] = []

    async def start_jobs(app: Litestar) -> None:
        if engine is not None and engine.dialect.name == "sqlite":  # its commits leave checkpoints to this
            background.append(asyncio.create_task(checkpoint_loop(engine)))
        if run_jobs if run_jobs is not None else session_maker_given is False:
            background.append(asyncio.create_task(job_loop(maker, settings)))
            if settings.smtp_url:  # without a mail server messages wait in the outbox
                background.append(asyncio.create_task(outbox_loop(maker, settings)))

    async def dispose(app: Litestar) -> None:
        for task in background:
            task.cancel()
        if engine is not None:
            engine.dispose()

    sessions = CookieBackendConfig(
        secret=_key(settings.secret_key, "session"),
        max_age=settings.session_max_age,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        exclude=["^/api/"],  # the API takes bearer tokens only: no cookie to read or write there
    )
    csrf = CSRFConfig(
        secret=_key(settings.secret_key, "csrf").hex(), cookie_secure=settings.secure_cookies, exclude=["/api/"]
    )
    templates = template_config(settings.site_timezone)
    openapi = OpenAPIConfig(
        title="dcops API",
        version=__version__,
        path="/schema",
        render_plugins=[SwaggerUI()],
        # The schema describes the API and holds no data: readable without signing in, for client generators.
        openapi_router=Router(path="/schema", route_handlers=[], opt={"perm": Perm.public}, include_in_schema=False),
        components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
        security=[{"bearer": []}],
        description="Bearer tokens are created by admins under Users. Refusals come back as problem+json "
        "with `reasons: [{rule, article, message}]`; bad input with `errors: {field: message}`.",
    )
    static = create_static_files_router(path="/static", directories=[STATIC], opt={"perm": Perm.public}, name="static")
    app = Litestar(
        route_handlers=[
            static,
            favicon,
            source,
            # The pages for people: kept out of the OpenAPI document, which describes the JSON API only.
            Router(
                path="/",
                include_in_schema=False,
                route_handlers=[
                    LoginPages,
                    switch_language,
                    SearchPage,
                    DashboardPage,
                    SitePages,
                    RoomPages,
                    RackPages,
                    HardwarePages,
                    HardwareTypePages,
                    *CSV_LISTS,
                    ImportPages,
                    CustomerPages,
                    ContractPages,
                    InvoicePages,
                    BreachPages,
                    LienPages,
                    PolicyPages,
                    PolicyRequestPages,
                    PermissionPages,
                    CompliancePage,
                    OutboxPages,
                    AuditPages,
                    UserPages,
                    *RACK_FORMS,
                    *CUSTOMER_FORMS,
                    *RECORD_FORMS,
                    *ACCESS_PAGES,
                    *CABLE_PAGES,
                    *RELOCATION_PAGES,
                    *MAINTENANCE_PAGES,
                    *WORK_PAGES,
                ],
            ),
            *RACK_API,
            *HARDWARE_TYPE_API,
            *CABLE_API,
            *RELOCATION_API,
            *MAINTENANCE_API,
            *WORK_API,
            *CUSTOMER_API,
            *RECORDS_API,
            *ACCESS_API,
            *OUTBOX_API,
        ],
        dependencies={"db": Provide(db_dependency)},
        middleware=[
            LocaleMiddleware(),
            SiteMiddleware(),
            LoginFloodMiddleware(),
            sessions.middleware,
            AuthMiddleware(),
        ],
        guards=[permission_guard],
        csrf_config=csrf,
        # gzip (built in) for clients that ask: the room view's HTML shrinks from about 1.3 MB to under 100 kB.
        # Level 6 is zlib's own default; 9 costs several times the time for a few percent less. What fits in one
        # TCP segment (the door's answer, most API replies) takes as long to send either way: not compressed.
        compression_config=CompressionConfig(
            backend="gzip", gzip_compress_level=6, minimum_size=1400, exclude_opt_key="uncompressed"
        ),
        template_config=templates,
        plugins=[FlashPlugin(config=FlashConfig(template_config=templates)), HTMXPlugin()],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi,
        state=State(app_state(settings, maker, pass_keys)),
        on_startup=[check_keys, start_jobs],
        on_shutdown=[dispose],
        # On every response, errors included: see dcops.web.headers for why a send hook and not route middleware.
        before_send=[security_headers],
        before_request=guard_input,
        # dcops' own loggers and Litestar's; the process's root logger is left alone. Configuring it (Litestar's
        # default) set every library in the process to INFO: a benchmark's or a script's HTTP client then logged
        # each of its requests, taking CPU from the server it measured.
        logging_config=LoggingConfig(
            configure_root_logger=False,
            loggers={
                "litestar": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False},
                "dcops": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False},
            },
        ),
        debug=settings.debug,
    )
    document_problems(app)
    # In front of the routes, behind the app's entry (which wraps `send` with the before_send hooks); unreadable
    # headers answered before anything reads them.
    app.asgi_handler = HeaderGuard(DoorLane(app, app.asgi_handler), settings.language)
    return app


def app_from_env() -> Litestar:
    """Entry point for uvicorn workers: `uvicorn --factory dcops.app:app_from_env`."""
    return create_app(Settings.from_env())
