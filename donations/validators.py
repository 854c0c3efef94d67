"""When a reading may say it was measured: the same rule for a file, a station and the store."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# No pilot collected readings before this. An earlier date is a device whose clock was never set
# (0001-01-01, 1970-01-01) or a typo, and one near year 1 cannot even be read back: the database
# moves it to UTC, before year 1, and every page listing the reading would fail.
EARLIEST_MEASUREMENT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# The widest offset any time zone uses (Line Islands, UTC+14:00); PostgreSQL refuses wider ones.
MAX_UTC_OFFSET = datetime.timedelta(hours=14)
# A device's clock may run a little ahead of the server's: a reading dated up to this much after
# the server's now is taken as it is, not refused as measured in the future.
CLOCK_AHEAD_GRACE = datetime.timedelta(minutes=5)
MEASURED_IN_FUTURE = gettext_lazy("The time of measurement lies in the future.")


def _shown_offset(offset: datetime.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def measured_at_error(moment: datetime.datetime) -> str:
    """Why a reading cannot say it was measured at `moment`, or "" when it can. A naive time is
    the current time zone's. Checked before the time is moved to UTC, which these would overflow.
    """
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return _(
            "The time of measurement has a UTC offset of %(offset)s; offsets run from -14:00 to +14:00."
        ) % {"offset": _shown_offset(offset)}
    if moment < EARLIEST_MEASUREMENT:
        return _(
            "The time of measurement is before %(year)d: check the date, or the clock of the "
            "device that measured it."
        ) % {"year": EARLIEST_MEASUREMENT.year}
    return ""


def measured_in_future(moment: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether `moment` lies after `now`, beyond what a clock running ahead explains. A naive time
    is the current time zone's."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment > now + CLOCK_AHEAD_GRACE


def measured_at_future_error(moment: datetime.datetime, now: datetime.datetime) -> str:
    """Why a reading cannot say it was measured at `moment` as late as that, or "" when it can."""
    return str(MEASURED_IN_FUTURE) if measured_in_future(moment, now) else ""
