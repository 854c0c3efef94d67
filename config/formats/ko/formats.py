# Django's Korean formats, with no-break spaces inside a date and inside a time.
DATE_FORMAT = "Y년\u00a0n월\u00a0j일"
TIME_FORMAT = "A\u00a0g:i"
DATETIME_FORMAT = "Y년\u00a0n월\u00a0j일 g:i\u00a0A"
YEAR_MONTH_FORMAT = "Y년\u00a0n월"
MONTH_DAY_FORMAT = "n월\u00a0j일"
