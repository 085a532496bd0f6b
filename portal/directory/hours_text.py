"""Hours in words: "Open now, closes 5:00 PM", "Opens tomorrow 9:00 AM", in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal.directory.hours import Status
from portal.i18n import N_, _, format_clock, format_day

CAPACITY_LABELS = {
    "has_capacity": N_("Taking new people"),
    "waitlist": N_("Waiting list"),
    "no_capacity": N_("Full right now"),
    "assessment_required": N_("Assessment needed first"),
}


def span(opens: datetime, closes: datetime, zone: str) -> str:
    if closes - opens >= timedelta(hours=24):
        return _("Open 24 hours")
    return f"{format_clock(opens, ZoneInfo(zone))}–{format_clock(closes, ZoneInfo(zone))}"


def describe_status(status: Status, now: datetime, zone: str) -> str:
    tz = ZoneInfo(zone)
    if status.by_appointment:
        return _("By appointment")
    if not status.known:
        return _("Call for hours")
    if status.open:
        if status.closes_at and (status.closes_at - now).days >= 1:
            return _("Open now")
        return _("Open now, closes %(time)s", time=format_clock(status.closes_at, tz))
    if status.next_opening is None:
        return _("Closed")
    days = (status.next_opening.astimezone(tz).date() - now.astimezone(tz).date()).days
    time = format_clock(status.next_opening, tz)
    if days == 0:
        return _("Closed now, opens today %(time)s", time=time)
    if days == 1:
        return _("Closed now, opens tomorrow %(time)s", time=time)
    return _("Closed now, opens %(day)s %(time)s", day=format_day(status.next_opening.astimezone(tz), "EEEE"), time=time)
