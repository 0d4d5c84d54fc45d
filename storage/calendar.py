"""Swedish working days and send times: plain functions, no SQL and no Bot Framework.

Public holidays come from the `holidays` library; Midsummer Eve, Christmas Eve and New Year's
Eve are not public holidays by law but nobody works then, so its `de_facto` category is added.
Weekends are checked here, whatever the library's `include_sundays` default is in a version.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from storage.clock import STOCKHOLM

if TYPE_CHECKING:
    from holidays import HolidayBase

# Clocks jump 02:00→03:00 in March and fall back 03:00→02:00 in October: times in this window
# do not exist or exist twice, so nothing is ever scheduled there.
DST_WINDOW = (time(2, 0), time(3, 0))


@lru_cache(maxsize=32)
def _holidays(year: int) -> HolidayBase:
    """Sweden's holidays only, imported on first use (not the library's other countries)."""
    from holidays.constants import DE_FACTO, PUBLIC
    from holidays.countries.sweden import Sweden

    return Sweden(years=year, categories=(PUBLIC, DE_FACTO))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public or de facto holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def previous_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the closest working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the closest working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """`count` working days after `day` (used for "remind me tomorrow" on a Friday)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def safe_local_time(at: time) -> time:
    """A configured send time inside the DST window moves to 03:00, which always exists once."""
    if DST_WINDOW[0] <= at < DST_WINDOW[1]:
        return DST_WINDOW[1]
    return at


def in_dst_window(moment: datetime) -> bool:
    """True when `moment` falls between 02:00 and 03:00 Stockholm time."""
    local = moment.astimezone(STOCKHOLM).time()
    return DST_WINDOW[0] <= local < DST_WINDOW[1]


def send_moment(day: date, at: time) -> datetime:
    """The aware UTC instant for `at` Stockholm time on `day`, never in the DST window."""
    local = datetime.combine(day, safe_local_time(at), tzinfo=STOCKHOLM)
    return local.astimezone(UTC)


def end_of_dst_window(moment: datetime) -> datetime:
    """03:00 local on the day of `moment`: when a dispatcher waiting out the window may send."""
    local_day = moment.astimezone(STOCKHOLM).date()
    return datetime.combine(local_day, DST_WINDOW[1], tzinfo=STOCKHOLM).astimezone(UTC)
