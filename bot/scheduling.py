"""The reminder scheduler as configured: the app's adapter sends as the bot (settings.APP_ID).

Wiring lives here, above the scheduler, so scheduler/ knows neither the settings, nor the Bot
Framework sender it is given, nor the reminder card (dialogs/reminders.py) it sends.
"""

from __future__ import annotations

from datetime import timedelta

from botbuilder.core import BotAdapter

from bot.config import Settings
from bot.proactive import Pacer, ProactiveSender
from dialogs.reminders import reminder_card
from scheduler.leader import LeaderElection
from scheduler.runner import SchedulerRunner
from scheduler.service import ReminderService, ReminderSettings
from storage.db import Database


def reminder_service(settings: Settings, db: Database, adapter: BotAdapter) -> ReminderService:
    """Paced by Teams' app limit; as many senders in flight as configured."""
    return ReminderService(
        db,
        ProactiveSender(
            adapter,
            settings.APP_ID,
            Pacer(per_app=settings.reminder_app_limit),
            in_flight=settings.reminder_senders,
        ),
        reminder_card,
        ReminderSettings(
            send_at=settings.reminder_time,
            lease=timedelta(seconds=settings.reminder_lease_seconds),
            catch_up_days=settings.reminder_catch_up_days,
            locale=settings.default_locale,
            in_flight=settings.reminder_senders,
            tenant_id=_single_tenant(settings.APP_TENANTID),
        ),
    )


def _single_tenant(configured: str) -> str:
    """The app's tenant when exactly one is configured (a single-tenant app); else the tenant
    of a stored conversation is used."""
    tenants = [t.strip().lower() for t in configured.split(",") if t.strip()]
    return tenants[0] if len(tenants) == 1 else ""


def scheduler_runner(settings: Settings, db: Database, adapter: BotAdapter) -> SchedulerRunner:
    return SchedulerRunner(
        reminder_service(settings, db, adapter),
        LeaderElection(db),
        dispatch_seconds=settings.reminder_dispatch_seconds,
    )
