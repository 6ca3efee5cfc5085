"""Instants are stored in UTC and shown and entered in Europe/Brussels."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .i18n import _, ngettext

BRUSSELS = ZoneInfo("Europe/Brussels")


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist in Brussels (the spring-forward gap)."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already (as stored)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def to_local(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment).astimezone(BRUSSELS)


def from_local(wall_clock: datetime) -> datetime:
    """A Brussels wall-clock time (naive) to an aware UTC instant.

    In the autumn overlap (02:00-03:00 happens twice) the first, summer-time
    instant is taken; a time in the spring gap does not exist and is refused.
    """
    if wall_clock.tzinfo is not None:
        return as_utc(wall_clock)
    local = wall_clock.replace(tzinfo=BRUSSELS, fold=0)
    round_trip = local.astimezone(timezone.utc).astimezone(BRUSSELS).replace(tzinfo=None)
    if round_trip != wall_clock:
        raise LocalTimeError(_("Dit tijdstip bestaat niet in Brussel (overgang naar zomertijd)."))
    return local.astimezone(timezone.utc)


def local_end_of_day(day: date) -> datetime:
    """23:59:59 Brussels time on that day, as UTC."""
    return from_local(datetime.combine(day, time(23, 59, 59)))


def format_local(moment: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    local = to_local(moment)
    return "" if local is None else local.strftime(fmt)


def iso_local(moment: datetime | None) -> str | None:
    """ISO 8601 with the Brussels offset, for the API."""
    local = to_local(moment)
    return None if local is None else local.isoformat()


def describe_remaining(delta: timedelta) -> str:
    """Time left before a deadline, in the page's language ('nog 3 dagen en 4 uur').

    Each count gets its own singular or plural; the two largest units are named.
    """
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return _("afgelopen")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        first = ngettext("%(num)s dag", "%(num)s dagen", days)
        if not hours:
            return _("nog %(first)s", first=first)
        return _("nog %(first)s en %(second)s", first=first, second=ngettext("%(num)s uur", "%(num)s uur", hours))
    if hours:
        return _("nog %(first)s en %(second)s", first=ngettext("%(num)s uur", "%(num)s uur", hours),
                 second=ngettext("%(num)s min.", "%(num)s min.", minutes))
    return _("nog %(first)s", first=ngettext("%(num)s min.", "%(num)s min.", max(minutes, 1)))
