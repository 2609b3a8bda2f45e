"""The demo seed loads idempotently; the migrations produce exactly the models' schema."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from dcops import audit
from dcops.documents import DocumentStore
from dcops.models import metadata
from dcops.racks.models import Hardware, HardwareStatus
from dcops.seed import load
from tests.conftest import keyring_for

DEMO = Path(__file__).resolve().parents[2] / "seed" / "demo.yaml"


def _row_counts(db):
    return {t.name: db.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}


def test_demo_seed_loads_and_a_second_load_changes_nothing(db, settings):
    store, keys = DocumentStore(), keyring_for(settings, db)
    made = load(db, DEMO, store, keys=keys)
    assert made["sites"] == 1 and made["rooms"] == 2 and made["racks"] >= 12 and made["hardware"] >= 60
    assert made["users"] == 4 and made["customers"] >= 5
    installed = db.scalar(select(func.count()).select_from(Hardware).where(Hardware.status == HardwareStatus.installed))
    assert installed >= 60
    counts = _row_counts(db)
    again = load(db, DEMO, store, keys=keys)
    assert set(again.values()) == {0}
    assert _row_counts(db) == counts
    assert audit.verify(db).ok


def test_migrations_match_the_models(connection):
    diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    assert diff == []
