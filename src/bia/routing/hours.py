"""On-duty hours of an actor: weekly windows, seasonal overrides, windows past midnight."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bia.geo.packschema import ActorSpec, Season, TimeWindow

WEEKDAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _in_season(season: Season, day: date) -> bool:
    key = day.strftime("%m-%d")
    if season.start <= season.end:
        return season.start <= key <= season.end
    return key >= season.start or key <= season.end  # a season across New Year


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _window_covers(window: TimeWindow, local: datetime) -> bool:
    """Whether ``window`` covers local time ``local`` (today's span or yesterday's overflow)."""
    start, end = _minutes(window.start), _minutes(window.end)
    now = local.hour * 60 + local.minute
    weekday = local.weekday()
    if start < end:
        return weekday in window.days and start <= now < end
    # crosses midnight (or 24 h when start == end)
    if weekday in window.days and now >= start:
        return True
    return (weekday - 1) % 7 in window.days and now < end


def windows_for(actor: ActorSpec, day: date) -> list[TimeWindow] | None:
    """The windows in force on ``day``; ``None`` means 24 h/24."""
    for season in actor.seasons:
        if _in_season(season, day):
            return list(season.windows) or None
    return list(actor.hours) or None


def is_on_duty(actor: ActorSpec, local: datetime) -> bool:
    """Whether ``actor`` is on duty at ``local`` (a time in the commune's zone).

    The regime of the day decides: a seasonal 24 h/24 day is on duty all day; otherwise the
    weekly windows apply, including yesterday's window running past midnight.
    """
    windows = windows_for(actor, local.date())
    if windows is None:
        return True
    return any(_window_covers(w, local) for w in windows)


def next_on_duty(actor: ActorSpec, local: datetime, *, step_min: int = 15) -> datetime | None:
    """The first moment at or after ``local`` when ``actor`` is on duty (within 15 days)."""
    if is_on_duty(actor, local):
        return local
    probe = local.replace(second=0, microsecond=0)
    probe += timedelta(minutes=step_min - probe.minute % step_min)
    limit = local + timedelta(days=15)
    while probe <= limit:
        if is_on_duty(actor, probe):
            return probe
        probe += timedelta(minutes=step_min)
    return None


def describe_moment(moment: datetime, now: datetime) -> str:
    """French wording of a coming moment relative to ``now`` (both local)."""
    clock = moment.strftime("%H h %M").replace(" 00", "")
    if moment.date() == now.date():
        return f"aujourd'hui à partir de {clock}"
    if moment.date() == now.date() + timedelta(days=1):
        return f"demain à partir de {clock}"
    return f"{WEEKDAYS_FR[moment.weekday()]} {moment.day:d} à partir de {clock}"


def at_local(moment: datetime, tz: object) -> datetime:
    """Convert to the commune's zone; naive datetimes are taken as already local."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)  # type: ignore[arg-type]
    return moment.astimezone(tz)  # type: ignore[arg-type]

