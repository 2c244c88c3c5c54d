"""Failed sign-in attempts per client address: a sliding window in memory.

The account lockout (security/signin.py) protects each account whatever the address; this
protects the service from one address guessing across many accounts (password spraying). Only
*failures* count: a unit's officers often share one public address behind NAT, and a shift
signing in together must not lock each other out. It is per process: behind several workers each
counts alone, which still bounds an address.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Final

FAILURES: Final = 20
WINDOW_S: Final = 600.0


class AddressThrottle:
    """At most `failures` failed sign-in steps per address in any `window_s` seconds."""

    def __init__(self, failures: int = FAILURES, window_s: float = WINDOW_S) -> None:
        self.failures = failures
        self.window_s = window_s
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, moment: float) -> deque[float]:
        recent = self._seen.setdefault(address, deque())
        while recent and recent[0] <= moment - self.window_s:
            recent.popleft()
        return recent

    def blocked(self, address: str, *, now: float | None = None) -> bool:
        """True when `address` has used up its failures: refuse without checking anything."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            return len(self._recent(address, moment)) >= self.failures

    def failed(self, address: str, *, now: float | None = None) -> None:
        """Count one failed sign-in step from `address`."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            self._recent(address, moment).append(moment)
            if len(self._seen) > 10_000:  # forget idle addresses so memory stays bounded
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]

    def retry_after(self, address: str, *, now: float | None = None) -> int:
        """Seconds until `address` may try again (0 when it may now)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            recent = self._recent(address, moment)
            if len(recent) < self.failures:
                return 0
            return max(1, int(recent[0] + self.window_s - moment) + 1)
