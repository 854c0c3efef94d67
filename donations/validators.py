"""When a reading may say it was measured: the same rule for a file, a station and the store."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

# No pilot collected readings before this. An earlier date is a device whose clock was never set
# (0001-01-01, 1970-01-01) or a typo, and one near year 1 cannot even be read back: the database
# moves it to UTC, before year 1, and every page listing the reading would fail.
EARLIEST_MEASUREMENT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# The widest offset any time zone uses (Line Islands, UTC+14:00); PostgreSQL refuses wider ones.
MAX_UTC_OFFSET = datetime.timedelta(hours=14)


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
