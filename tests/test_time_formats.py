"""A time reads one way in each language, alone or after a date (config/formats): Korean
"오전 3:09", English "3:09 a.m.", never "3:09 오전" beside "오전 03:09"."""

import datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format, time_format

MORNING = datetime.datetime(2026, 3, 5, 3, 9)
AFTERNOON = datetime.datetime(2026, 3, 5, 15, 9)


@pytest.mark.parametrize(
    ("language", "moment", "time"),
    [
        ("ko", MORNING, "오전\u00a03:09"),
        ("ko", AFTERNOON, "오후\u00a03:09"),
        ("en", MORNING, "3:09\u00a0a.m."),
        ("en", AFTERNOON, "3:09\u00a0p.m."),
    ],
)
def test_a_time_reads_the_same_alone_and_after_a_date(language, moment, time):
    with translation.override(language):
        alone = time_format(moment, "TIME_FORMAT")
        dated = date_format(moment, "DATETIME_FORMAT")
        day = date_format(moment, "DATE_FORMAT")

    assert alone == time
    assert dated.startswith(day) and dated.endswith(f" {time}")
