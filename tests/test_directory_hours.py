"""Opening hours from HSDS schedules: midnight, DST, holidays, seasons, monthly rules, appointments."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.directory import hours
from portal.directory.hours_text import describe_status

CHICAGO = "America/Chicago"
TZ = ZoneInfo(CHICAGO)


def weekly(byday, opens, closes, **extra):
    return {"freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes, **extra}


def closed_on(day: date, note: str = "Holiday"):
    return {"valid_from": day, "valid_to": day, "description": note}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_overnight_shelter_is_open_after_midnight_and_closes_in_the_morning():
    shelter = [hours.from_schedules([weekly("MO,TU,WE,TH,FR,SA,SU", "19:00", "07:00")], CHICAGO)]
    late = hours.status(shelter, at(2026, 12, 2, 1, 30))  # Wednesday 1:30 am, from Tuesday's night
    assert late.open and late.closes_at == at(2026, 12, 2, 7, 0)
    morning = hours.status(shelter, at(2026, 12, 2, 8, 0))
    assert not morning.open and morning.next_opening == at(2026, 12, 2, 19, 0)
    assert describe_status(morning, at(2026, 12, 2, 8, 0), CHICAGO).replace("\u202f", " ") == "Closed now, opens today 7:00 PM"


def test_a_night_that_starts_on_the_last_listed_day_still_runs_past_midnight():
    friday_night = [hours.from_schedules([weekly("FR", "22:00", "02:00")], CHICAGO)]
    assert hours.is_open(friday_night, at(2026, 12, 5, 1, 0))  # Saturday 1 am
    assert not hours.is_open(friday_night, at(2026, 12, 6, 1, 0))  # Sunday 1 am: no Saturday night


def test_dst_spring_forward_and_fall_back_keep_local_hours():
    clinic = [hours.from_schedules([weekly("SU", "01:00", "05:00")], CHICAGO)]
    # 2026-03-08: clocks jump from 2:00 to 3:00; the clinic still closes at 5:00 local time.
    spring = hours.status(clinic, datetime(2026, 3, 8, 9, 30, tzinfo=ZoneInfo("UTC")))  # 4:30 CDT
    assert spring.open and spring.closes_at.astimezone(TZ).hour == 5
    assert spring.closes_at - spring.closes_at.replace(hour=1) == spring.closes_at - at(2026, 3, 8, 1, 0)
    # 2026-11-01: 1:00-2:00 happens twice; at 1:30 CST (the second time) it is open too.
    fall = datetime(2026, 11, 1, 7, 30, tzinfo=ZoneInfo("UTC"))  # 1:30 CST
    assert hours.is_open(clinic, fall)
    assert not hours.is_open(clinic, datetime(2026, 11, 1, 11, 30, tzinfo=ZoneInfo("UTC")))  # 5:30 CST


def test_a_holiday_closure_overrides_the_weekly_hours_and_special_hours_replace_them():
    pantry = [hours.from_schedules([
        weekly("MO,TU,WE,TH,FR", "09:00", "17:00"),
        closed_on(date(2026, 11, 26), "Closed for Thanksgiving"),
        {"valid_from": date(2026, 12, 24), "valid_to": date(2026, 12, 24), "opens_at": "10:00", "closes_at": "13:00", "description": "Christmas Eve"},
    ], CHICAGO)]
    thanksgiving = hours.status(pantry, at(2026, 11, 26, 11, 0))
    assert not thanksgiving.open and thanksgiving.next_opening == at(2026, 11, 27, 9, 0)
    assert hours.is_open(pantry, at(2026, 12, 24, 12, 0)) and not hours.is_open(pantry, at(2026, 12, 24, 14, 0))
    week = hours.week(pantry[0], date(2026, 11, 23))
    assert week[3][1] == [] and week[3][2] == "Closed for Thanksgiving"
    assert len(week[0][1]) == 1


def test_by_appointment_is_never_open_now():
    counsel = [hours.from_schedules([weekly("MO,TU", "09:00", "17:00", attending_type="By appointment")], CHICAGO)]
    state = hours.status(counsel, at(2026, 12, 1, 10, 0))
    assert not state.open and state.by_appointment
    assert describe_status(state, at(2026, 12, 1, 10, 0), CHICAGO) == "By appointment"
    assert hours.slot_tags(counsel) == set()


def test_seasonal_and_monthly_rules():
    winter = [hours.from_schedules([weekly("MO,TU,WE,TH,FR,SA,SU", "19:00", "07:00",
                                           valid_from=date(2026, 11, 1), valid_to=date(2027, 3, 31))], CHICAGO)]
    assert hours.is_open(winter, at(2026, 12, 1, 22, 0)) and not hours.is_open(winter, at(2026, 7, 1, 22, 0))
    mobile = [hours.from_schedules([{"freq": "MONTHLY", "byday": "1SA", "opens_at": "09:00", "closes_at": "12:00"}], CHICAGO)]
    assert hours.is_open(mobile, at(2026, 12, 5, 10, 0))  # first Saturday of December
    assert not hours.is_open(mobile, at(2026, 12, 12, 10, 0))
    last_friday = [hours.from_schedules([{"freq": "MONTHLY", "byday": "-1FR", "opens_at": "09:00", "closes_at": "12:00"}], CHICAGO)]
    assert hours.is_open(last_friday, at(2026, 12, 25, 10, 0)) and not hours.is_open(last_friday, at(2026, 12, 18, 10, 0))


def test_open_24_hours_and_no_hours_at_all():
    hotline = [hours.from_schedules([weekly("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")], CHICAGO)]
    state = hours.status(hotline, at(2026, 12, 1, 3, 0))
    assert state.open and describe_status(state, at(2026, 12, 1, 3, 0), CHICAGO) == "Open now"
    unknown = hours.status([hours.from_schedules([], CHICAGO)], at(2026, 12, 1, 3, 0))
    assert not unknown.known and describe_status(unknown, at(2026, 12, 1, 3, 0), CHICAGO) == "Call for hours"


def test_a_location_in_another_zone_uses_its_own_clock():
    denver = [hours.from_schedules([weekly("MO,TU,WE,TH,FR", "09:00", "17:00")], "America/Denver")]
    assert not hours.is_open(denver, at(2026, 12, 1, 9, 30))  # 8:30 in Denver
    assert hours.is_open(denver, at(2026, 12, 1, 10, 30))


@pytest.mark.parametrize(("rule", "expected"), [
    (weekly("MO", "09:00", "11:30"), {"open_MO_09", "open_MO_10", "open_MO_11"}),
    (weekly("SU", "23:00", "01:00"), {"open_SU_23", "open_MO_00"}),
])
def test_index_slots_cover_every_hour_a_place_may_be_open(rule, expected):
    assert hours.slot_tags([hours.from_schedules([rule], CHICAGO)]) == expected


def test_hours_survive_the_trip_through_the_index():
    original = hours.from_schedules([weekly("MO", "09:00", "17:00", valid_from=date(2026, 1, 1)), closed_on(date(2026, 12, 25))], CHICAGO)
    again = hours.from_json(hours.to_json(original))
    assert again.rules[0].days == original.rules[0].days and again.rules[0].starts == date(2026, 1, 1)
    assert again.exceptions[0].starts == date(2026, 12, 25) and again.exceptions[0].opens is None
