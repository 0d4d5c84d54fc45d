"""The one clock. Stored times are aware UTC; dates users see are Europe/Stockholm dates.

Tests move time with `monkeypatch.setattr(clock, "now", lambda: ...)`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date in Sweden (a referral at 00:30 on 1 March is a March referral)."""
        return self.now().astimezone(STOCKHOLM).date()


clock = Clock()
