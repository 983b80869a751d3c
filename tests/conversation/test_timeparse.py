"""Time expressions resolve against the resident's "now" (Europe/Paris, with its offset)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bia.conversation.timeparse import parse_time

NOW = datetime.fromisoformat("2026-11-21T00:30:00+01:00")  # Saturday, 00:30, winter time
SUMMER = datetime.fromisoformat("2026-07-07T18:40:00+02:00")  # Tuesday, summer time


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("hier soir vers 23h", SUMMER, "2026-07-06T23:00:00+02:00"),
        ("depuis 23h", NOW, "2026-11-20T23:00:00+01:00"),
        ("depuis une heure", NOW, "2026-11-20T23:30:00+01:00"),
        ("il y a 10 minutes", SUMMER, "2026-07-07T18:30:00+02:00"),
        ("en ce moment", SUMMER, "2026-07-07T18:40:00+02:00"),
        ("ce matin", SUMMER, "2026-07-07T08:00:00+02:00"),
        ("tout à l'heure", SUMMER, "2026-07-07T17:40:00+02:00"),
        ("samedi dernier", SUMMER, "2026-07-04T12:00:00+02:00"),
        ("avant-hier", SUMMER, "2026-07-05T12:00:00+02:00"),
        ("à 22h30", NOW, "2026-11-20T22:30:00+01:00"),
        ("vers minuit", NOW, "2026-11-21T00:00:00+01:00"),
        ("hier en fin d'après-midi, vers 17h", SUMMER, "2026-07-06T17:00:00+02:00"),
        ("cette nuit vers 3h", SUMMER, "2026-07-07T03:00:00+02:00"),
        ("du 3 au 24 août", SUMMER, "2026-08-03T12:00:00+02:00"),
        ("ça fait bien une semaine", SUMMER, "2026-06-30T18:40:00+02:00"),
    ],
)
def test_resolution(text: str, now: datetime, expected: str) -> None:
    got = parse_time(text, now).occurred_at
    assert got is not None and got.isoformat() == expected


def test_dst_offset_follows_the_date() -> None:
    # "samedi dernier" from early November crosses the end of summer time
    got = parse_time("samedi dernier vers 21h", datetime.fromisoformat("2026-10-27T10:00:00+01:00"))
    assert got.occurred_at.isoformat() == "2026-10-24T21:00:00+02:00"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ils sont encore là, vite", "ongoing"),
        ("en ce moment même", "ongoing"),
        ("il est reparti, j'ai sa plaque", "over"),
        ("c'était hier soir", "over"),
        ("depuis 23h et ça ne s'arrête pas", "ongoing"),
    ],
)
def test_ongoing_or_over(text: str, status: str) -> None:
    assert parse_time(text, NOW).status == status


def test_recurring_and_nothing() -> None:
    assert parse_time("tous les soirs vers 22h", NOW).recurring
    info = parse_time("bonjour", NOW)
    assert info.occurred_at is None and info.status == "unknown"
