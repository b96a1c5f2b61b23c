"""English formats: Django's, except that a date reads the same everywhere,
"19 Nov 2020" — day, abbreviated month, year — in pages, notices, activity
and PDFs alike, never "Nov. 19, 2020" beside "11/19/2020", and never
ambiguous between day and month first. Machine-readable places (date
pickers, exports, the API) keep ISO 8601."""

from django.conf.locale.en.formats import *  # noqa: F403

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
TIME_FORMAT = "H:i"
