"""A real server on a scratch SQLite database with the demo seed, and headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from dcops import migrate
from dcops.access.keys import KeyRing
from dcops.app import create_app
from dcops.db import make_engine, make_sessionmaker
from dcops.documents import DocumentStore
from dcops.seed import load
from dcops.settings import Settings

CHROMIUM = "/usr/bin/chromium"
DEMO = Path(__file__).resolve().parents[2] / "seed" / "demo.yaml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SECRET = "e2e-" + "k" * 40


@pytest.fixture(scope="session")
def live_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live server's data directory: its database and pass keys, for tests that set up or read state."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def live_server(live_data: Path) -> Iterator[str]:
    data = live_data
    url = f"sqlite:///{data / 'dcops.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    settings = Settings(data_dir=data, database_url=url, secret_key=SECRET)
    with make_sessionmaker(engine)() as session:
        load(session, DEMO, DocumentStore(), keys=KeyRing.from_settings(settings, make_sessionmaker(engine)))
        session.commit()
    engine.dispose()
    port = _free_port()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not shutil.which(CHROMIUM):
        if os.environ.get("DCOPS_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and DCOPS_REQUIRE_BROWSER is set: install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (CI sets DCOPS_REQUIRE_BROWSER and installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def _signed_in(browser, base_url: str, username: str, password: str, landing: str = "/", **context_args):  # type: ignore[no-untyped-def]
    """A new browser context signed in as `username`, on the page the role lands on after signing in."""
    context = browser.new_context(base_url=base_url, **context_args)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")  # not the header's language buttons
    page.wait_for_url(f"{base_url}{landing}")
    return context, page


@pytest.fixture
def tablet(browser, live_server):  # type: ignore[no-untyped-def]
    """A 10-inch tablet in portrait, signed in as the demo technician."""
    viewport = {"width": 800, "height": 1280}
    context, page = _signed_in(browser, live_server, "tom", "demo-tech-2026", viewport=viewport, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def door(browser, live_server):  # type: ignore[no-untyped-def]
    """The door's tablet, signed in as the demo security officer."""
    viewport = {"width": 1280, "height": 800}
    context, page = _signed_in(browser, live_server, "sara", "demo-security-2026", "/door", viewport=viewport)
    yield page
    context.close()


@pytest.fixture
def desk(browser, live_server):  # type: ignore[no-untyped-def]
    """A desktop browser signed in as the demo account manager."""
    viewport = {"width": 1366, "height": 900}
    context, page = _signed_in(browser, live_server, "anna", "demo-account-2026", viewport=viewport)
    yield page
    context.close()


@pytest.fixture(scope="session")
def live_keys(live_server: str, live_data: Path) -> KeyRing:
    """The pass keys as the live server has them (its database, its key-encryption key)."""
    url = f"sqlite:///{live_data / 'dcops.sqlite3'}"
    return KeyRing.from_settings(
        Settings(data_dir=live_data, database_url=url, secret_key=SECRET), make_sessionmaker(make_engine(url))
    )
