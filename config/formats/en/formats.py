# Django's English formats, with no-break spaces inside a date and inside a time.
DATE_FORMAT = "N\u00a0j,\u00a0Y"
TIME_FORMAT = "g:i\u00a0a"
DATETIME_FORMAT = "N\u00a0j,\u00a0Y, g:i\u00a0a"
YEAR_MONTH_FORMAT = "F\u00a0Y"
MONTH_DAY_FORMAT = "F\u00a0j"
