"""The pacer keeps every window Teams counts within its limit, spaces messages evenly instead of
bursting (also when the event loop wakes the waiting senders late, all at once), and still
reaches the app's limit when the messages go to many conversations."""

from __future__ import annotations

import asyncio
import heapq
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.proactive import MARGIN, TEAMS_PER_APP, TEAMS_PER_CONVERSATION, Limit, Pacer


class VirtualTime:
    """A clock that moves only when every sender sleeps; it can be late, like a busy loop,
    and then wakes everybody whose time has passed in one go."""

    def __init__(self, lateness: list[float]) -> None:
        self.now = 0.0
        self._lateness = itertools.cycle(lateness or [0.0])
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, senders: list) -> list:
        tasks = [asyncio.create_task(sender) for sender in senders]
        while not all(task.done() for task in tasks):
            for _ in range(3):
                await asyncio.sleep(0)  # every sender runs until it sleeps or ends
            if not self._sleepers:
                continue
            self.now = max(self.now, self._sleepers[0][0] + next(self._lateness))
            while self._sleepers and self._sleepers[0][0] <= self.now:
                heapq.heappop(self._sleepers)[2].set_result(None)
        return [task.result() for task in tasks]


def within(times: list[float], limit: Limit) -> bool:
    """No `limit.count + 1` of these moments fall inside one window of `limit.seconds`."""
    ordered = sorted(times)
    return all(
        ordered[i + limit.count] - ordered[i] >= limit.seconds
        for i in range(len(ordered) - limit.count)
    )


@settings(max_examples=40, deadline=None)
@given(
    conversations=st.lists(st.integers(0, 4), min_size=1, max_size=120),
    lateness=st.lists(st.floats(0, 0.4, allow_nan=False), max_size=8),
)
def test_no_window_is_ever_over_its_limit(conversations, lateness):
    clock = VirtualTime(lateness)
    pacer = Pacer(now=clock, sleep=clock.sleep)
    sent = asyncio.run(clock.run([pacer.wait(f"c{c}") for c in conversations]))
    assert within(sent, Limit(TEAMS_PER_APP, 1))
    for c in set(conversations):
        times = [at for at, who in zip(sent, conversations, strict=True) if who == c]
        assert all(within(times, limit) for limit in TEAMS_PER_CONVERSATION)
    ordered = sorted(sent)
    gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    assert all(gap >= 1 / TEAMS_PER_APP - 1e-9 for gap in gaps)  # evenly, never a burst


def test_many_conversations_go_at_just_under_the_app_limit():
    clock = VirtualTime([])
    pacer = Pacer(now=clock, sleep=clock.sleep)
    sent = asyncio.run(clock.run([pacer.wait(f"c{n % 200}") for n in range(1000)]))
    minimum = 999 / TEAMS_PER_APP
    assert minimum <= max(sent) - min(sent) <= minimum / MARGIN + 0.01


def test_a_held_conversation_waits_and_the_others_do_not():
    clock = VirtualTime([])
    pacer = Pacer(now=clock, sleep=clock.sleep)
    pacer.hold("busy", 30)
    assert pacer.conversation_wait("busy") == 30 and pacer.conversation_wait("other") == 0
    busy, other = asyncio.run(clock.run([pacer.wait("busy"), pacer.wait("other")]))
    assert other < 1 and busy >= 30
