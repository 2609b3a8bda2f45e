"""Two people act at the same moment: run one, hold its transaction open, start the other, let the first commit."""

import threading
import time
from collections.abc import Callable

from dcops.errors import Conflict, ValidationFailed
from dcops.terms import Denied


def race(
    first: Callable[[], object], second: Callable[[], object], commit_first: Callable[[], None], second_session
) -> object:
    """Run `first` and leave it uncommitted; start `second` in a thread, check that it waits, then commit
    the first and return what the second ended with (its result, or the refusal it raised)."""
    first()
    outcome: dict[str, object] = {}

    def run_second() -> None:
        try:
            outcome["second"] = second()
            second_session.commit()
        except (Conflict, ValidationFailed, Denied) as exc:
            second_session.rollback()
            outcome["second"] = exc

    t = threading.Thread(target=run_second)
    t.start()
    time.sleep(0.5)
    assert t.is_alive(), "the second booking should wait on the first's uncommitted one"
    commit_first()
    t.join(10)
    return outcome["second"]
