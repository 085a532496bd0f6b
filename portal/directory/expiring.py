"""A value worked out at most once every so often, per process (the category menu)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Expiring:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self._value = None
        self._until = 0.0
        self._lock = threading.Lock()

    def get(self, compute: Callable[[], object]):
        with self._lock:
            if time.monotonic() >= self._until:
                self._value, self._until = compute(), time.monotonic() + self.seconds
            return self._value

    @property
    def stamp(self) -> float:
        """Changes whenever the value is worked out again."""
        return self._until

    def clear(self) -> None:
        with self._lock:
            self._until = 0.0
