"""The API builds a request's filterset from shallow copies of its filters:
it filters and refuses exactly as django-filter's own build would, each
filterset with its own request."""

import zoneinfo

import django_filters
import pytest
from django.http import QueryDict
from django.urls import get_resolver
from django.utils import timezone, translation
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

from core.api import filters
from core.api.filters import FilterBackend, built_once, names_a_filter
from partnerships.models import Enterprise
from projects.filtersets import MilestoneFilterSet, ResearchProjectFilterSet
from projects.models import Milestone, ResearchProject

pytestmark = pytest.mark.django_db

PROJECT_QUERIES = [
    "",
    "sector=biomedicine&status=active",
    "mode=joint_centre&q=antibody&stage=3",
    "lead_institution=7&enterprise=2&joint_centre=1",
    "sector=astrology",
    "stage=abc&status=",
]
MILESTONE_QUERIES = ["status=planned&status=claimed&overdue=true", "due_after=2026-02-30"]


def request_of(user, query: str) -> Request:
    request = APIRequestFactory().get(f"/api/v1/x/?{query}")
    force_authenticate(request, user)
    request = Request(request)
    request.user = user
    return request


def built(filterset_class, request, queryset):
    return filterset_class(request.query_params, queryset, request=request)


@pytest.mark.parametrize("query", PROJECT_QUERIES)
def test_a_project_filterset_built_once_filters_and_refuses_as_django_filter_builds_it(
    partner_user, query
):
    request = request_of(partner_user, query)
    projects = ResearchProject.objects.all()
    theirs = built(ResearchProjectFilterSet, request, projects)
    ours = built(built_once(ResearchProjectFilterSet), request, projects)

    assert ours.is_valid() == theirs.is_valid()
    assert ours.errors == theirs.errors
    if theirs.is_valid():
        assert str(ours.qs.query) == str(theirs.qs.query)


@pytest.mark.parametrize("query", MILESTONE_QUERIES)
def test_a_milestone_filterset_built_once_filters_and_refuses_the_same(superuser, query):
    request = request_of(superuser, query)
    theirs = built(MilestoneFilterSet, request, Milestone.objects.all())
    ours = built(built_once(MilestoneFilterSet), request, Milestone.objects.all())

    assert ours.errors == theirs.errors
    if theirs.is_valid():
        assert str(ours.qs.query) == str(theirs.qs.query)


def test_each_filterset_filters_through_its_own_request(superuser, partner_user):
    """The cooperation mode reads the request's user: a partner's filter
    goes through its own partnerships, a superuser's does not."""
    lean = built_once(ResearchProjectFilterSet)
    for_partner = built(lean, request_of(partner_user, "mode=joint_centre"), None)
    for_superuser = built(lean, request_of(superuser, "mode=joint_centre"), None)

    assert for_partner.filters["mode"].parent is for_partner
    assert for_partner.filters["mode"].filter.f is for_partner.filters["mode"]
    assert getattr(lean.base_filters["mode"], "parent", None) is None
    assert str(for_partner.qs.query) != str(for_superuser.qs.query)
    assert str(for_superuser.qs.query) == str(
        built(ResearchProjectFilterSet, request_of(superuser, "mode=joint_centre"), None).qs.query
    )


def test_an_unbound_filterset_filters_nothing():
    filterset = built_once(ResearchProjectFilterSet)(None)

    assert not filterset.is_bound
    assert filterset.data == QueryDict()
    assert str(filterset.qs.query) == str(ResearchProject.objects.all().query)


def api_filterset_classes() -> dict:
    """The filterset of every API view, with the model it filters."""
    found = {}

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            filterset_class = getattr(view, "filterset_class", None)
            if filterset_class is not None:
                found[filterset_class] = (
                    filterset_class._meta.model or view.serializer_class.Meta.model
                )

    walk(get_resolver("config.api_router").url_patterns)
    return found


API_FILTERSETS = sorted(api_filterset_classes().items(), key=repr)


@pytest.mark.parametrize(
    ("filterset_class", "model"),
    API_FILTERSETS,
    ids=[f"{f.__module__}.{f.__name__}" for f, _model in API_FILTERSETS],
)
def test_a_request_that_names_no_filter_is_filtered_by_nothing(
    filterset_class, model, superuser, partner_user
):
    """What lets the backend skip the filterset when no filter is named: an
    empty form is valid and leaves the queryset as it was, for any user."""
    rows = model._default_manager.all()
    for user in (superuser, partner_user):
        request = request_of(user, "page=2&page_size=100")
        assert not names_a_filter(request.query_params, filterset_class)
        for built_class in (filterset_class, built_once(filterset_class)):
            filterset = built(built_class, request, rows)
            assert filterset.is_valid(), filterset.errors
            assert str(filterset.qs.query) == str(rows.query)


def test_a_filter_is_named_by_its_name_or_by_one_of_its_inputs():
    queries = {
        "": False,
        "page=3&cursor=abc&ordering=-id&page_size=10": False,
        "status=planned": True,
        "due_after=2026-01-01": True,
        "overdue=": True,
    }
    for query, named in queries.items():
        assert names_a_filter(QueryDict(query), MilestoneFilterSet) is named, query


def test_the_api_filters_a_list_only_when_a_filter_is_named(superuser):
    backend = FilterBackend()
    view = type("View", (), {"filterset_class": MilestoneFilterSet})()
    milestones = Milestone.objects.all()

    unfiltered = backend.filter_queryset(request_of(superuser, "page=2"), milestones, view)
    filtered = backend.filter_queryset(request_of(superuser, "status=paid"), milestones, view)

    assert unfiltered is milestones
    assert "status" in str(filtered.query)


# --- What a form cleaned, kept ---------------------------------------------------------


@pytest.fixture
def forms_built(monkeypatch):
    """How many forms the API's project filtersets build."""
    built_forms = []
    form_class = built_once(ResearchProjectFilterSet)().get_form_class()
    original = form_class.__init__

    def counting(self, *args, **kwargs):
        built_forms.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(form_class, "__init__", counting)
    filters._validated.clear()
    yield built_forms
    filters._validated.clear()


def test_values_sent_again_are_filtered_without_building_the_form_again(partner_user, forms_built):
    lean = built_once(ResearchProjectFilterSet)
    query = "sector=biomedicine&status=active&page=3"
    first = built(lean, request_of(partner_user, query), ResearchProject.objects.all())
    assert first.is_valid()
    first_sql = str(first.qs.query)

    again = built(lean, request_of(partner_user, query), ResearchProject.objects.all())

    assert again.is_valid() and again.errors == {}
    assert str(again.qs.query) == first_sql
    assert len(forms_built) == 1


def test_other_pages_of_the_same_filter_share_what_the_form_cleaned(partner_user, forms_built):
    lean = built_once(ResearchProjectFilterSet)
    for page in (1, 2, 3):
        built(lean, request_of(partner_user, f"status=active&page={page}"), None).is_valid()

    assert len(forms_built) == 1


def test_other_values_another_language_or_another_time_zone_build_the_form_again(
    partner_user, forms_built
):
    lean = built_once(ResearchProjectFilterSet)
    built(lean, request_of(partner_user, "status=active"), None).is_valid()
    built(lean, request_of(partner_user, "status=closed"), None).is_valid()
    with translation.override("zh-hans"):
        built(lean, request_of(partner_user, "status=active"), None).is_valid()
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        built(lean, request_of(partner_user, "status=active"), None).is_valid()

    assert len(forms_built) == 4


def test_refused_values_are_refused_again_with_the_forms_errors(partner_user, forms_built):
    lean = built_once(ResearchProjectFilterSet)
    answers = [built(lean, request_of(partner_user, "sector=astrology"), None) for _ in range(2)]

    assert [answer.is_valid() for answer in answers] == [False, False]
    assert answers[1].errors == answers[0].errors and "sector" in answers[1].errors
    assert len(forms_built) == 2


def test_what_one_request_does_to_the_cleaned_values_is_not_seen_by_the_next(partner_user):
    lean = built_once(ResearchProjectFilterSet)
    first = built(lean, request_of(partner_user, "status=active"), None)
    first.is_valid()
    first.form.cleaned_data["status"] = "closed"

    again = built(lean, request_of(partner_user, "status=active"), None)

    assert again.is_valid() and again.form.cleaned_data["status"] == "active"


def test_a_filterset_choosing_among_objects_of_the_database_is_validated_every_time():
    class ByEnterprise(django_filters.FilterSet):
        enterprise = django_filters.ModelChoiceFilter(
            field_name="partner_enterprises", queryset=Enterprise.objects.all()
        )

        class Meta:
            model = ResearchProject
            fields = ["enterprise"]

    assert filters._cleans_values_alone(built_once(ResearchProjectFilterSet))
    assert not filters._cleans_values_alone(built_once(ByEnterprise))
