"""The API's lists write their pages through ``PageListSerializer`` and read
their rows without the related objects they only show the ids of: clients
must not notice. Every page comes out byte for byte as DRF's ListSerializer
writes the scoping selector's rows."""

import datetime
import json
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone, translation
from rest_framework import serializers

from core.api.lists import PageListSerializer, page_rows
from core.api.renderers import OrjsonRenderer
from partnerships.models import Agreement
from projects.api.serializers import (
    ActivitySerializer,
    InvoiceSerializer,
    MilestoneSerializer,
    PaymentSerializer,
    RoyaltyReportLineSerializer,
    RoyaltyReportSerializer,
)
from projects.api.views import (
    ActivityViewSet,
    InvoiceViewSet,
    MilestoneViewSet,
    PaymentViewSet,
    RoyaltyReportViewSet,
)
from projects.models import Milestone, Payment, ResearchProject, RoyaltyReportLine
from projects.selectors import (
    activities_visible_to,
    invoices_visible_to,
    invoices_with_amount_paid,
    milestones_visible_to,
    payments_visible_to,
    royalty_reports_visible_to,
)
from tests.api.conftest import client_for
from tests.factories import VatInvoiceFactory

pytestmark = pytest.mark.django_db

# Each list: its URL, serializer, and the selector's rows in the page's order.
LISTS = {
    "milestones": (
        MilestoneSerializer,
        lambda user: milestones_visible_to(user).select_related("invoice").order_by("-id"),
    ),
    "payments": (PaymentSerializer, lambda user: payments_visible_to(user).order_by("-id")),
    "invoices": (
        InvoiceSerializer,
        lambda user: invoices_with_amount_paid(invoices_visible_to(user)).order_by(
            "-issued_on", "-number"
        ),
    ),
    "royalty-reports": (
        RoyaltyReportSerializer,
        lambda user: (
            royalty_reports_visible_to(user).select_related("invoice").prefetch_related("lines")
        ),
    ),
    "activity": (ActivitySerializer, lambda user: activities_visible_to(user).order_by("-id")),
}


def as_drf_writes(serializer_class, rows) -> bytes:
    data = serializers.ListSerializer(child=serializer_class(), instance=rows).data
    return OrjsonRenderer().render(data)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_page_is_written_byte_for_byte_as_drf_writes_it(world, name, language):
    serializer_class, rows_for = LISTS[name]
    rows = list(rows_for(world.superuser))
    assert rows, f"the world has no {name}"

    with translation.override(language):
        page = serializer_class(rows, many=True)

        assert isinstance(page, PageListSerializer)
        assert OrjsonRenderer().render(page.data) == as_drf_writes(serializer_class, rows)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("role", ["superuser", "partner"])
def test_each_list_answers_what_drf_makes_of_the_selectors_rows(world, name, role):
    serializer_class, rows_for = LISTS[name]
    user = world.superuser if role == "superuser" else world.a.partner
    key = world.keys["superuser" if role == "superuser" else "partner"]

    response = client_for(token=key).get(f"/api/v1/{name}/", {"page_size": 200})

    assert response.status_code == 200
    expected = json.loads(as_drf_writes(serializer_class, list(rows_for(user))))
    assert response.json()["results"] == expected


@pytest.mark.parametrize(
    "serializer_class",
    [
        MilestoneSerializer,
        PaymentSerializer,
        InvoiceSerializer,
        RoyaltyReportSerializer,
        RoyaltyReportLineSerializer,
        ActivitySerializer,
    ],
)
def test_a_list_serializers_fields_are_those_drf_builds_each_a_copy_of_its_own(
    serializer_class,
):
    built_by_drf = serializers.ModelSerializer.get_fields(serializer_class())
    first, second = serializer_class().get_fields(), serializer_class().get_fields()

    assert {name: repr(field) for name, field in first.items()} == {
        name: repr(field) for name, field in built_by_drf.items()
    }
    assert all(first[name] is not second[name] for name in first)


def test_a_serializer_that_builds_a_field_its_own_way_is_built_by_drf_each_time():
    class Marked(PaymentSerializer):
        def build_field(self, field_name, info, model_class, nested_depth):
            field_class, kwargs = super().build_field(field_name, info, model_class, nested_depth)
            return field_class, {**kwargs, "help_text": f"built for {id(self)}"}

    first, second = Marked(), Marked()

    assert first.fields["reference"].help_text == f"built for {id(first)}"
    assert second.fields["reference"].help_text == f"built for {id(second)}"


# The lists that read their pages as plain rows, with their views' keys.
ROWS = {
    "milestones": ["due_date", "amount", "updated_at", "id"],
    "payments": ["id"],
    "invoices": [],
    "royalty-reports": ["id"],
    "activity": ["id"],
}


@pytest.mark.parametrize("name", ROWS)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("role", ["superuser", "partner"])
def test_a_page_of_plain_rows_is_written_byte_for_byte_as_drf_writes_the_instances(
    world, name, language, role
):
    serializer_class, rows_for = LISTS[name]
    user = world.superuser if role == "superuser" else world.a.partner
    instances = list(rows_for(user))
    rows = list(page_rows(rows_for(user), serializer_class, *ROWS[name]))
    assert rows and isinstance(rows[0], dict)

    with translation.override(language):
        page = serializer_class(rows, many=True)

        assert OrjsonRenderer().render(page.data) == as_drf_writes(serializer_class, instances)


# Settings under which a column's value is no longer written as it is read:
# the page's writer must then write it through the field.
WRITTEN_ANOTHER_WAY = {
    "moments in UTC": {"TIME_ZONE": "UTC"},
    "moments in New York": {"TIME_ZONE": "America/New_York"},
    "moments as text": {"REST_FRAMEWORK": {"DATETIME_FORMAT": "%d.%m.%Y %H:%M"}},
    "dates as text": {"REST_FRAMEWORK": {"DATE_FORMAT": "%d/%m/%Y"}},
    "amounts as numbers": {"REST_FRAMEWORK": {"COERCE_DECIMAL_TO_STRING": False}},
    "ids as text": {"REST_FRAMEWORK": {"COERCE_BIGINT_TO_STRING": True}},
}


@pytest.mark.parametrize("name", ["payments", "invoices"])
@pytest.mark.parametrize("written", WRITTEN_ANOTHER_WAY)
def test_a_page_of_plain_rows_follows_the_settings_that_change_how_values_are_written(
    world, settings, name, written
):
    serializer_class, rows_for = LISTS[name]
    changes = WRITTEN_ANOTHER_WAY[written]
    if "REST_FRAMEWORK" in changes:
        changes = {"REST_FRAMEWORK": settings.REST_FRAMEWORK | changes["REST_FRAMEWORK"]}
    before = serializer_class(
        list(page_rows(rows_for(world.superuser), serializer_class)), many=True
    ).data

    with (
        override_settings(**changes),
        timezone.override(changes.get("TIME_ZONE", settings.TIME_ZONE)),
    ):
        instances = list(rows_for(world.superuser))
        rows = list(page_rows(rows_for(world.superuser), serializer_class, *ROWS[name]))
        page = serializer_class(rows, many=True).data

        assert OrjsonRenderer().render(page) == as_drf_writes(serializer_class, instances)
        assert page != before


@pytest.mark.parametrize("name", ROWS)
def test_a_list_view_reads_plain_rows(world, name):
    view = {
        "milestones": MilestoneViewSet,
        "payments": PaymentViewSet,
        "invoices": InvoiceViewSet,
        "royalty-reports": RoyaltyReportViewSet,
        "activity": ActivityViewSet,
    }[name](action="list", request=SimpleNamespace(user=world.superuser, query_params=QueryDict()))

    assert isinstance(view.get_queryset().first(), dict)


def test_a_serializer_with_a_field_not_read_from_rows_keeps_its_instances(world):
    class Unusual(PaymentSerializer):
        received = serializers.SerializerMethodField()

        class Meta(PaymentSerializer.Meta):
            fields = [*PaymentSerializer.Meta.fields, "received"]

        def get_received(self, payment):
            return str(payment.invoice)

    payments = LISTS["payments"][1](world.superuser)

    assert page_rows(payments, Unusual) is payments


def test_an_invoice_without_a_vat_invoice_and_one_with_it_are_written_as_drf_writes_them(world):
    serializer_class, rows_for = LISTS["invoices"]
    VatInvoiceFactory(invoice=rows_for(world.superuser).first())
    instances = list(rows_for(world.superuser))
    assert {hasattr(invoice, "vat_invoice") for invoice in instances} == {True, False}

    rows = list(page_rows(rows_for(world.superuser), serializer_class))

    assert OrjsonRenderer().render(serializer_class(rows, many=True).data) == as_drf_writes(
        serializer_class, instances
    )


def test_a_page_without_rows_asks_nothing_more(world, django_assert_num_queries):
    rows = page_rows(royalty_reports_visible_to(world.superuser).none(), RoyaltyReportSerializer)

    with django_assert_num_queries(0):
        assert RoyaltyReportSerializer(list(rows), many=True).data == []


@pytest.mark.parametrize("name", LISTS)
def test_two_enterprises_partners_one_after_the_other_each_see_their_own(world, name):
    serializer_class, rows_for = LISTS[name]

    for role, user in (("partner", world.a.partner), ("other_partner", world.b.partner)) * 2:
        response = client_for(token=world.keys[role]).get(f"/api/v1/{name}/", {"page_size": 200})

        expected = json.loads(as_drf_writes(serializer_class, list(rows_for(user))))
        assert response.json()["results"] == expected


def test_a_payment_recorded_between_two_requests_is_on_the_next_page(world):
    client = client_for(token=world.keys["partner"])
    before = client.get("/api/v1/payments/", {"page_size": 200}).json()["results"]
    invoice = invoices_visible_to(world.a.partner).first()
    payment = Payment.objects.create(
        invoice=invoice, amount="1.00", currency=invoice.currency, paid_on=invoice.issued_on
    )

    after = client.get("/api/v1/payments/", {"page_size": 200}).json()["results"]

    assert [row["id"] for row in after] == [payment.pk] + [row["id"] for row in before]


def test_a_page_of_royalty_reports_brings_its_lines_in_its_own_query_on_postgresql(world):
    visible = royalty_reports_visible_to(world.superuser).order_by("-id")
    report = visible.first()
    for product, territory, net_sales in [
        ("B", "CN", "10.50"),
        ("A", "JP", "0.00"),
        ("A", "CN", "7"),
    ]:
        RoyaltyReportLine.objects.create(
            report=report, product=product, territory=territory, net_sales=net_sales
        )
    reports = page_rows(visible.all(), RoyaltyReportSerializer, "id")

    with CaptureQueriesContext(connection) as queries:
        page = RoyaltyReportSerializer(list(reports), many=True).data

    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert OrjsonRenderer().render(page) == as_drf_writes(
        RoyaltyReportSerializer, list(visible.prefetch_related("lines"))
    )
    assert [line["product"] + line["territory"] for line in page[0]["lines"]] == [
        "ACN",
        "AJP",
        "BCN",
    ]


def test_plain_rows_keep_the_models_order_through_a_relation(world):
    # Reports are ordered by agreement, in the agreements' own order (the
    # latest signed first), not by the agreement's id.
    reports = royalty_reports_visible_to(world.superuser)
    first_agreement = min(report.agreement_id for report in reports)
    assert len({report.agreement_id for report in reports}) > 1
    Agreement.objects.filter(pk=first_agreement).update(signed_on=datetime.date(2099, 1, 1))
    instances = list(reports.all())
    assert instances[0].agreement_id == first_agreement

    rows = page_rows(reports.all(), RoyaltyReportSerializer, "id")

    assert [row["id"] for row in rows] == [report.id for report in instances]


PROJECT_AND_ROW_LISTS = ["projects", *LISTS]


@override_settings(COMPILED_SQL_CHECK=False)
@pytest.mark.parametrize("name", PROJECT_AND_ROW_LISTS)
@pytest.mark.parametrize("role", ["superuser", "partner"])
def test_a_page_asked_for_again_runs_the_sql_compiled_the_first_time(world, name, role):
    """(A full page of a numbered list still counts its rows, compiled for
    the request: not asked for here.)"""
    client = client_for(token=world.keys[role])
    first = client.get(f"/api/v1/{name}/", {"page_size": 200})

    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as as_sql:
        again = client.get(f"/api/v1/{name}/", {"page_size": 200})

    assert first.json()["results"]
    assert again.content == first.content
    compiled = [call.args[0].query.model for call in as_sql.call_args_list]
    model = {"projects": ResearchProject}.get(name) or LISTS[name][0].Meta.model
    assert model not in compiled


@override_settings(COMPILED_SQL_CHECK=False)
def test_a_filtered_page_is_compiled_for_its_request(world):
    client = client_for(token=world.keys["partner"])
    client.get("/api/v1/milestones/", {"status": "planned"})

    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as as_sql:
        client.get("/api/v1/milestones/", {"status": "planned"})

    assert Milestone in [call.args[0].query.model for call in as_sql.call_args_list]


@override_settings(COMPILED_SQL_CHECK=False)
def test_a_page_after_a_cursor_is_compiled_for_its_request(world):
    client = client_for(token=world.keys["superuser"])
    following = client.get("/api/v1/milestones/", {"page_size": 1}).json()["next"]

    client.get(following)
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as as_sql:
        second = client.get(following)

    assert second.json()["results"]
    assert Milestone in [call.args[0].query.model for call in as_sql.call_args_list]
