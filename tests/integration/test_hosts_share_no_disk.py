"""Two hosts behind a load balancer: two app instances with their own, different data directories and one
database (a SQLite file, and PostgreSQL when configured). Each verifies the passes the other signs and serves
the documents the other stored; a key rotated on one is the key the other signs with, and passes the old key
signed still open the door on both."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from dcops import migrate
from dcops.access.keys import KeyRing
from dcops.app import create_app
from dcops.auth.models import Role
from dcops.auth.service import TokenIn, create_token
from dcops.db import make_engine, make_sessionmaker
from dcops.racks.models import RackKind
from dcops.seed import demo_pdf
from dcops.settings import Settings
from tests import factories
from tests.conftest import Client, _database_urls, _label, fresh_database
from tests.integration.access.conftest import World
from tests.integration.customers.test_insurance import _upload

SECRET = "shared-secret-" + "s" * 40


@pytest.fixture(params=_database_urls(), ids=_label)
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        migrate.upgrade(url)
        yield url


def _host(url: str, data_dir: Path) -> Client:
    """A host as an operator would start one: its own data directory, the shared URL and secret, its lifespan run."""
    client = Client(create_app(Settings(data_dir=data_dir, database_url=url, secret_key=SECRET)))
    client.__enter__()  # runs the startup check (the signing key exists and this host can read it)
    return client


def _world(url: str, a: Client, b: Client) -> World:
    """Records made directly in the shared database, and a desk (account manager) and a door (security)
    token valid on both hosts."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        for f in factories.ALL:
            f._meta.sqlalchemy_session = db
        customer = factories.CustomerFactory()
        room = factories.RoomFactory()
        world = World(
            customer=customer,
            contract=factories.ContractFactory(customer=customer),
            room=room,
            other_room=factories.RoomFactory(site=room.site),
            rack=factories.RackFactory(room=room, kind=RackKind.private, customer=customer),
            person=factories.PersonFactory(customer=customer),
            desk=None,
            door=None,
        )
        tokens = {}
        for role in (Role.account_manager, Role.security):
            user = factories.UserFactory(role=role)
            tokens[role] = {"Authorization": f"Bearer {create_token(db, TokenIn(user_id=user.id, name='h'), 't')[1]}"}
        db.commit()
    engine.dispose()
    world.tokens = tokens  # type: ignore[attr-defined]
    return world


def _at(world: World, desk: Client, door: Client) -> World:
    """The world with its desk working on one host and its door standing at another."""
    desk.headers.update(world.tokens[Role.account_manager])  # type: ignore[attr-defined]
    door.headers.update(world.tokens[Role.security])  # type: ignore[attr-defined]
    world.desk, world.door = desk, door
    return world


def _rotate(url: str, data_dir: Path) -> None:
    """`dcops keys rotate` on another machine: the settings it reads, nothing else."""
    settings = Settings(data_dir=data_dir, database_url=url, secret_key=SECRET)
    engine = make_engine(url)
    KeyRing.from_settings(settings, make_sessionmaker(engine)).rotate()
    engine.dispose()


def test_two_hosts_share_keys_and_documents_through_the_database_alone(shared_url, tmp_path):
    hosts = [_host(shared_url, tmp_path / "host-a"), _host(shared_url, tmp_path / "host-b")]
    # Each host gets two clients, so that a desk's and a door's token never mix on one client.
    (desk_a, door_a), (desk_b, door_b) = [(h, Client(h.app)) for h in hosts]
    try:
        world = _world(shared_url, desk_a, desk_b)

        def signed_at(desk: Client, door: Client) -> dict:
            return _at(world, desk, door).approved()["passes"][0]

        def scan(door: Client, code: str, direction: str) -> dict:
            return _at(world, desk_a, door).scan(code, direction=direction)

        # A signs and B's door verifies; B signs and A's door verifies (the person goes in at B, out at A).
        first = signed_at(desk_a, door_b)
        assert scan(door_b, first["code"], "in")["allowed"] is True
        second = signed_at(desk_b, door_a)
        assert second["key_id"] == first["key_id"]  # one key for the whole installation
        assert scan(door_a, second["code"], "out")["allowed"] is True

        # A document uploaded through one host is served by the other, byte for byte.
        pdf = demo_pdf("Shared policy")
        _at(world, desk_b, door_a)
        r = _upload(desk_b, world.customer.id, pdf)
        assert r.status_code == 201, r.text
        _at(world, desk_a, door_b)
        served = desk_a.get(f"/api/policies/{r.json()['id']}/document")
        assert served.status_code == 200 and served.content == pdf

        # Rotated on a third machine (the CLI): both hosts sign with the new key at once, verify passes it
        # signed although they had cached the keys before, and still admit passes the old key signed.
        _rotate(shared_url, tmp_path / "cli")
        third = signed_at(desk_a, door_b)
        fourth = signed_at(desk_b, door_a)
        assert third["key_id"] == fourth["key_id"] != first["key_id"]
        assert scan(door_b, third["code"], "in")["allowed"] is True
        assert scan(door_a, fourth["code"], "out")["allowed"] is True
        assert scan(door_a, first["code"], "in")["allowed"] is True
        assert scan(door_b, second["code"], "out")["allowed"] is True
        keys = {k["kid"]: k for k in door_b.get("/api/passes/keys").json()["keys"]}
        assert keys[first["key_id"]]["current"] is False and keys[third["key_id"]]["current"] is True
        for host in ("host-a", "host-b", "cli"):  # nothing of it on any host's disk
            assert not (tmp_path / host / "pass-keys").exists() and not (tmp_path / host / "documents").exists()
    finally:
        for h in hosts:
            h.__exit__(None, None, None)
