"""How many turns run at once. Beyond the limit a turn waits briefly for a free place, then is
refused with 503 so the Bot Connector can send it again, instead of queueing for 30 s on a
database connection while every other turn slows down too."""

from __future__ import annotations

import asyncio
from collections import deque


class Admission:
    """At most `limit` holders; `enter` waits up to `wait` seconds, first come first served.

    Written out rather than a Semaphore under wait_for: a place handed over at the moment the
    wait times out must neither leak nor be lost, and the count is shown on /healthz."""

    def __init__(self, limit: int, wait: float) -> None:
        self.limit, self.wait = max(1, limit), max(0.0, wait)
        self.in_flight = 0
        self.refused = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def enter(self) -> bool:
        """True when the caller holds a place (and must `leave`); False when refused."""
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait({waiter}, timeout=self.wait)
        except asyncio.CancelledError:
            self._give_up(waiter)
            raise
        if waiter.done():
            return True  # `leave` handed its place over to us
        self._give_up(waiter)
        self.refused += 1
        return False

    def _give_up(self, waiter: asyncio.Future[None]) -> None:
        if waiter.done():
            self.leave()  # handed over just now: pass it on
        else:
            waiter.cancel()
            self._waiters.remove(waiter)

    def leave(self) -> None:
        """Hand the place to the longest waiter, or free it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.in_flight -= 1
