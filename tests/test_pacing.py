"""The pacer keeps every window Teams counts within its limit, spaces messages evenly instead of
bursting, and still reaches the app's limit when the messages go to many conversations."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.proactive import MARGIN, TEAMS_PER_APP, TEAMS_PER_CONVERSATION, Limit, Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def within(times: list[float], limit: Limit) -> bool:
    """No `limit.count + 1` of these moments fall inside one window of `limit.seconds`."""
    ordered = sorted(times)
    return all(
        ordered[i + limit.count] - ordered[i] >= limit.seconds
        for i in range(len(ordered) - limit.count)
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.floats(0, 0.5, allow_nan=False)),
        min_size=1,
        max_size=300,
    )
)
def test_no_window_is_ever_over_its_limit(sends):
    clock = FakeClock()
    pacer = Pacer(now=clock)
    sent: dict[str, list[float]] = {}
    everything: list[float] = []
    for conversation, pause in sends:
        clock.now += pause
        at = clock.now + pacer.reserve(f"c{conversation}")
        assert at >= clock.now
        sent.setdefault(f"c{conversation}", []).append(at)
        everything.append(at)
    assert within(everything, Limit(TEAMS_PER_APP, 1))
    for times in sent.values():
        assert all(within(times, limit) for limit in TEAMS_PER_CONVERSATION)
    ordered = sorted(everything)
    gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    assert all(gap >= 1 / TEAMS_PER_APP for gap in gaps)  # even spacing: never a burst


def test_many_conversations_go_at_just_under_the_app_limit():
    clock = FakeClock()
    pacer = Pacer(now=clock)
    last = max(pacer.reserve(f"c{n % 200}") for n in range(1000))
    minimum = 999 / TEAMS_PER_APP
    assert minimum <= last <= minimum / MARGIN + 0.01


def test_a_held_conversation_waits_and_the_others_do_not():
    clock = FakeClock()
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.now += seconds

    pacer = Pacer(now=clock, sleep=sleep)
    pacer.hold("busy", 30)
    assert pacer.conversation_wait("busy") == 30
    assert pacer.conversation_wait("other") == 0
    asyncio.run(pacer.wait("other"))
    assert sleeps == []
    asyncio.run(pacer.wait("busy"))
    assert clock.now >= 30
