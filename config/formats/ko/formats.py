# Django's Korean formats, with no-break spaces inside a date and inside a time, and the time
# written as Korean writes it ("오전 3:09") alone and after a date alike.
DATE_FORMAT = "Y년\u00a0n월\u00a0j일"
TIME_FORMAT = "A\u00a0g:i"
DATETIME_FORMAT = "Y년\u00a0n월\u00a0j일 A\u00a0g:i"
YEAR_MONTH_FORMAT = "Y년\u00a0n월"
MONTH_DAY_FORMAT = "n월\u00a0j일"
