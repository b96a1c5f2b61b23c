"""Numbered pages read the page first and count the rows only when the page
is full: the same pages, counts, links and errors as Django's paginator,
with one query less for a last page."""

import pytest
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.api.pagination import PageFirstPaginator, StandardPagination
from partnerships.models import Institution
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 4
NUMBERS = [1, 2, 3, 4, "2", 2.0, 0, -1, 2.5, "two", None, 2**40]


def page_or_error(paginator, number):
    try:
        page = paginator.page(number)
    except InvalidPage as error:
        return type(error), str(error)
    return (
        list(page),
        page.number,
        paginator.count,
        paginator.num_pages,
        page.has_next(),
        page.has_previous(),
        page.start_index(),
        page.end_index(),
    )


@pytest.mark.parametrize("rows", [0, 1, PER_PAGE - 1, PER_PAGE, PER_PAGE + 1, 2 * PER_PAGE])
@pytest.mark.parametrize("number", NUMBERS)
def test_each_page_and_error_is_djangos(rows, number):
    for _ in range(rows):
        InstitutionFactory()
    institutions = Institution.objects.order_by("pk")

    expected = page_or_error(Paginator(institutions, PER_PAGE), number)
    seen = page_or_error(PageFirstPaginator(institutions, PER_PAGE), number)

    assert seen == expected


@pytest.mark.parametrize(
    ("rows", "number", "queries"),
    [
        (0, 1, 1),  # empty: the page says there are none
        (3, 1, 1),  # the last page, not full
        (6, 2, 1),  # the last page, not full
        (4, 1, 2),  # a full page: maybe more, counted
        (8, 2, 2),
        (4, 2, 1),  # past the end: refused without a count
    ],
)
def test_only_a_full_page_counts_the_rows(rows, number, queries):
    for _ in range(rows):
        InstitutionFactory()
    paginator = PageFirstPaginator(Institution.objects.order_by("pk"), PER_PAGE)

    with CaptureQueriesContext(connection) as captured:
        try:
            list(paginator.page(number))
            paginator.page(number).has_next()
        except InvalidPage:
            pass

    assert len(captured) == queries


@pytest.mark.parametrize("rows", [0, 3, 4, 5, 9])
def test_a_numbered_list_answers_byte_for_byte_as_with_djangos_paginator(rows, monkeypatch):
    for _ in range(rows):
        InstitutionFactory()
    client = APIClient()
    client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    urls = [
        f"/api/v1/institutions/?page_size={PER_PAGE}&page={number}"
        for number in (1, 2, 3, 4, "last", 0, "x")
    ]

    seen = [(r.status_code, r.content) for r in map(client.get, urls)]
    monkeypatch.setattr(StandardPagination, "django_paginator_class", Paginator)
    expected = [(r.status_code, r.content) for r in map(client.get, urls)]

    assert seen == expected
