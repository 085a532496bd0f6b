"""Opening hours from HSDS schedules: open now, today's hours, the week, and index slots.

The conventions (weekly and monthly rules, seasons, overnight, 24 hours, exceptions, by
appointment) are in docs/decisions/0002-directory-hsds.md. Local times are read in the location's
IANA zone, so DST changes and midnight need no special cases beyond combining dates with zones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LOOK_AHEAD_DAYS = 8


@dataclass(frozen=True)
class Rule:
    days: tuple[str, ...]  # weekday codes
    opens: str
    closes: str
    nth: tuple[int, ...] = ()  # monthly: which occurrences of the weekday (1 = first, -1 = last)
    starts: date | None = None
    ends: date | None = None
    note: str = ""

    def applies(self, day: date) -> bool:
        if DAYS[day.weekday()] not in self.days:
            return False
        if (self.starts and day < self.starts) or (self.ends and day > self.ends):
            return False
        if self.nth:
            occurrence = (day.day - 1) // 7 + 1
            last = (day + timedelta(days=7)).month != day.month
            return occurrence in self.nth or (-1 in self.nth and last)
        return True


@dataclass(frozen=True)
class Exception_:
    starts: date
    ends: date
    opens: str | None = None
    closes: str | None = None
    note: str = ""


@dataclass
class Hours:
    """The hours of one service at one place."""

    zone: str
    rules: list[Rule] = field(default_factory=list)
    exceptions: list[Exception_] = field(default_factory=list)
    by_appointment: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.rules or self.exceptions or self.by_appointment)

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """Opening intervals that start on `day`, as aware local datetimes."""
        zone = ZoneInfo(self.zone)
        special = [e for e in self.exceptions if e.starts <= day <= e.ends]
        if special:
            spans = [(e.opens, e.closes) for e in special if e.opens and e.closes]
        else:
            spans = [(r.opens, r.closes) for r in self.rules if r.applies(day)]
        result = []
        for opens, closes in spans:
            start = datetime.combine(day, _clock(opens), zone)
            end = datetime.combine(day, _clock(closes), zone)
            if end <= start:  # overnight, or open 24 hours when the two are equal
                end = datetime.combine(day + timedelta(days=1), _clock(closes), zone)
            result.append((start, end))
        return sorted(result)

    def closure(self, day: date) -> Exception_ | None:
        return next((e for e in self.exceptions if e.starts <= day <= e.ends and not e.opens), None)


def _clock(text: str) -> time:
    return time(int(text[0:2]), int(text[3:5]))


@dataclass(frozen=True)
class Status:
    open: bool
    closes_at: datetime | None = None
    next_opening: datetime | None = None
    by_appointment: bool = False
    known: bool = True


def status(places: list[Hours], at: datetime) -> Status:
    """Open or not at `at` (aware), at any of the places; when it closes, or when it next opens."""
    if not any(h.known for h in places):
        return Status(False, known=False)
    if all(h.by_appointment for h in places if h.known):
        return Status(False, by_appointment=True)
    spans = []
    for hours in places:
        if hours.by_appointment or not hours.known:
            continue
        local = at.astimezone(ZoneInfo(hours.zone))
        for offset in range(-1, LOOK_AHEAD_DAYS):
            spans.extend(hours.intervals(local.date() + timedelta(days=offset)))
    spans.sort()
    closes = None
    for start, end in spans:
        if start <= at < end or (closes is not None and start <= closes):
            closes = max(closes, end) if closes else end  # back-to-back spans (24 hours, split shifts) join up
    if closes is not None:
        return Status(True, closes_at=closes)
    return Status(False, next_opening=next((start for start, _ in spans if start > at), None))


def is_open(places: list[Hours], at: datetime) -> bool:
    return status(places, at).open


def week(hours: Hours, first_day: date, days: int = 7) -> list[tuple[date, list[tuple[datetime, datetime]], str]]:
    """Each day from `first_day`: its intervals and why it differs from the usual, if it does."""
    result = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        special = [e for e in hours.exceptions if e.starts <= day <= e.ends]
        result.append((day, hours.intervals(day), "; ".join(e.note for e in special if e.note)))
    return result


def slot_tags(places: list[Hours]) -> set[str]:
    """Hours of the week (local) when a place may be open: `open_MO_18`. A superset; `status` decides."""
    tags = set()
    for hours in places:
        if hours.by_appointment:
            continue
        spans = [(r.days, r.opens, r.closes) for r in hours.rules]
        spans += [(_weekdays_between(e.starts, e.ends), e.opens, e.closes) for e in hours.exceptions if e.opens and e.closes]
        for days, opens, closes in spans:
            start = int(opens[0:2])
            end_hour, end_minute = int(closes[0:2]), int(closes[3:5])
            length = (end_hour - start) % 24 + (1 if end_minute else 0) or 24
            for day in days:
                base = DAYS.index(day) * 24 + start
                tags.update(f"open_{DAYS[(h // 24) % 7]}_{h % 24:02d}" for h in range(base, base + length))
    return tags


def _weekdays_between(starts: date, ends: date) -> tuple[str, ...]:
    count = min((ends - starts).days + 1, 7)
    return tuple(DAYS[(starts + timedelta(days=n)).weekday()] for n in range(count))


def slot_tag(local: datetime) -> str:
    return f"open_{DAYS[local.weekday()]}_{local.hour:02d}"


def from_schedules(rows: list[dict], zone: str) -> Hours:
    """Hours from HSDS schedule rows (dicts of their columns), following our conventions."""
    hours = Hours(zone=zone)
    for row in rows:
        appointment = "appointment" in (row.get("attending_type") or "").casefold()
        hours.by_appointment = hours.by_appointment or appointment
        note = row.get("description") or ""
        if note and appointment:
            hours.notes.append(note)
        opens, closes = row.get("opens_at"), row.get("closes_at")
        if row.get("freq"):
            days, nth = _byday(row.get("byday") or "")
            if opens and closes and days and not appointment:
                ends = min(filter(None, (row.get("valid_to"), row.get("until"))), default=None)
                hours.rules.append(Rule(days, opens[:5], closes[:5], nth, row.get("valid_from"), ends, note))
        elif row.get("valid_from"):
            hours.exceptions.append(Exception_(row["valid_from"], row.get("valid_to") or row["valid_from"],
                                               opens[:5] if opens and closes else None,
                                               closes[:5] if opens and closes else None, note))
    return hours


def _byday(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    days, nth = [], []
    for part in text.replace(" ", "").upper().split(","):
        if len(part) >= 2 and part[-2:] in DAYS:
            days.append(part[-2:])
            if part[:-2].lstrip("+-").isdigit():
                nth.append(int(part[:-2]))
    return tuple(dict.fromkeys(days)), tuple(nth)


def to_json(hours: Hours) -> dict:
    return {
        "z": hours.zone, "a": hours.by_appointment,
        "r": [[list(r.days), r.opens, r.closes, list(r.nth), _iso(r.starts), _iso(r.ends)] for r in hours.rules],
        "e": [[_iso(e.starts), _iso(e.ends), e.opens, e.closes] for e in hours.exceptions],
    }


def from_json(data: dict) -> Hours:
    return Hours(
        zone=data["z"], by_appointment=data["a"],
        rules=[Rule(tuple(d), o, c, tuple(n), _day(s), _day(e)) for d, o, c, n, s, e in data["r"]],
        exceptions=[Exception_(_day(s), _day(e), o, c) for s, e, o, c in data["e"]],
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
