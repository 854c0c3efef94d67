"""The site's date formats, over Django's own for each language (FORMAT_MODULE_PATH): the parts of
a date, and of a time, are joined by no-break spaces, so "2026년 12월 1일" or "3:05 오전" is never
split over two lines; a date and its time may still part between them."""
