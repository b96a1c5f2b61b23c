"""Simplified Chinese formats: Django's, except that amounts are grouped in
thousands with commas (1,250,000.00), as on Chinese invoices, bank
statements and financial reports, rather than left ungrouped."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
