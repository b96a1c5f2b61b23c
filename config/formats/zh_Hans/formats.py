"""Simplified Chinese formats: Django's, except that

- amounts are grouped in thousands with commas (1,250,000.00), as on Chinese
  invoices, bank statements and financial reports, rather than left
  ungrouped;
- a date reads 2026年12月6日 everywhere (pages, notices, activity, PDFs),
  with the time as 14:05 where one is shown;
- the ISO date (2026-12-06) comes first among the input formats: a date
  picker (<input type=date>) shows the first one and accepts nothing but
  ISO, so Django's first, "2026/12/06", left every picker blank."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-06, what a date picker sends
    "%Y/%m/%d",  # 2026/12/06
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
]
