"""A limit on how long a test waits for another process, so a hung command fails the test
instead of hanging CI. It never times anything: no test asserts how fast something is."""

from __future__ import annotations

import time
from collections.abc import Callable


def give_up_after(seconds: float) -> Callable[[], bool]:
    """A function that says whether the wait has gone on longer than `seconds`."""
    limit = time.monotonic() + seconds
    return lambda: time.monotonic() >= limit
