"""Dates and amounts as people read them, in English and in Chinese: every
date picker carries an ISO date whatever the page's language, a date reads
one way per language, and amounts are grouped by the one formatter."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from core.i18n import Localized, Message, Money, display_date, field_names, render_stored
from core.money import format_amount, format_money
from core.ui.forms import DateInput, Form
from partnerships.models import Agreement
from projects import services
from tests.factories import (
    AgreementFactory,
    JointCentreFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    first_stage,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans"]
DAY = datetime.date(2026, 12, 6)


def date_input_values(html: str, name: str) -> list[str]:
    """The value of each date input named ``name`` in the page."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert inputs, f"no input {name}"
    values = []
    for tag in inputs:
        assert 'type="date"' in tag, tag
        found = re.search(r'value="([^"]*)"', tag)
        values.append(found.group(1) if found else "")
    return values


# --- Date pickers --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_picker_of_the_form_base_carries_an_iso_date(language):
    class AnyForm(Form):
        # Even a plain Django widget: the form base makes it a picker.
        on = forms.DateField(widget=forms.DateInput())
        by = forms.DateField(widget=DateInput())

    with translation.override(language):
        html = str(AnyForm(initial={"on": DAY, "by": DAY}))

    assert date_input_values(html, "on") == ["2026-12-06"]
    assert date_input_values(html, "by") == ["2026-12-06"]


def test_a_chinese_form_accepts_the_iso_date_a_picker_sends():
    class AnyForm(Form):
        on = forms.DateField(widget=DateInput())

    with translation.override("zh-hans"):
        form = AnyForm(data={"on": "2026-12-06"})
        assert form.is_valid(), form.errors

    assert form.cleaned_data["on"] == DAY


@pytest.fixture
def admin(client, superuser):
    client.force_login(superuser)
    return superuser


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agreement_form_shows_its_dates_in_iso(client, admin, language):
    agreement = AgreementFactory(signed_on=DAY, expires_on=datetime.date(2036, 12, 5))

    response = client.get(
        reverse("agreements:edit", args=[agreement.reference]), HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 200
    assert date_input_values(response.text, "signed_on") == ["2026-12-06"]
    assert date_input_values(response.text, "expires_on") == ["2036-12-05"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_partnership_and_joint_centre_forms_show_their_dates_in_iso(client, admin, language):
    partnership = PartnershipFactory(started_on=DAY)
    centre = JointCentreFactory(established_on=datetime.date(2001, 2, 3))

    partnership_page = client.get(
        reverse("partners:partnership_edit", args=[partnership.code]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    centre_page = client.get(
        reverse("partners:joint_centre_edit", args=[centre.code]),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert date_input_values(partnership_page.text, "started_on") == ["2026-12-06"]
    assert date_input_values(centre_page.text, "established_on") == ["2001-02-03"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_project_page_cost_form_and_project_form_carry_iso_dates(client, staff_user, language):
    client.force_login(staff_user)
    project = ProjectUnderAgreementFactory(
        lead_institution=staff_user.institutions.get(), start_date=DAY
    )

    page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    edit = client.get(reverse("projects:edit", args=[project.code]), HTTP_ACCEPT_LANGUAGE=language)

    [incurred_on] = date_input_values(page.text, "incurred_on")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", incurred_on)
    assert date_input_values(edit.text, "start_date") == ["2026-12-06"]


def test_a_date_filter_of_a_list_keeps_an_iso_date_in_chinese(client, staff_user):
    client.force_login(staff_user)

    response = client.get(
        reverse("milestones:list") + "?due_after=2026-12-06",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert date_input_values(response.text, "due_after") == ["2026-12-06"]


# --- One date format per language, one money formatter -------------------------------


def test_a_date_reads_one_way_per_language():
    with translation.override("en"):
        assert display_date(DAY) == "6 Dec 2026"
    with translation.override("zh-hans"):
        assert display_date(DAY) == "2026年12月6日"


@pytest.mark.parametrize("language", LANGUAGES)
def test_amounts_are_grouped_and_rounded_to_the_currency(language):
    with translation.override(language):
        assert format_money(Decimal("3000000"), "CNY") == "3,000,000.00 CNY"
        assert format_money(Decimal("1500.5"), "JPY") == "1,501 JPY"
        assert format_amount(Decimal("0.005"), "USD") == "0.01"


# --- Texts kept as messages ----------------------------------------------------------


def test_a_stored_message_reads_in_the_language_of_whoever_reads_it():
    from django.utils.translation import gettext_lazy

    stage = first_stage()
    message = Message(
        gettext_lazy("%(name)s can now be claimed (due %(due)s)."),
        name="Upfront",
        due=DAY,
    ).to_json()
    entered = Message(
        gettext_lazy("%(code)s registered at %(stage)s."),
        code="ELU-001",
        stage=Localized(stage),
    ).to_json()

    with translation.override("en"):
        assert render_stored(message) == "Upfront can now be claimed (due 6 Dec 2026)."
        assert render_stored(entered) == f"ELU-001 registered at {stage.name}."
    with translation.override("zh-hans"):
        chinese = render_stored(message)
        assert "2026年12月6日" in chinese
        assert "claimed" not in chinese
        assert render_stored(entered).count(stage.name_zh) == 1


def test_an_amount_in_a_stored_message_is_grouped():
    from django.utils.translation import gettext_lazy

    stored = Message(
        gettext_lazy("Payment of %(amount)s %(currency)s recorded on invoice %(number)s."),
        amount=Money(Decimal("3000000.00"), "CNY", code=False),
        currency="CNY",
        number="ELU-2026-0001",
    ).to_json()

    with translation.override("en"):
        assert render_stored(stored) == (
            "Payment of 3,000,000.00 CNY recorded on invoice ELU-2026-0001."
        )
    with translation.override("zh-hans"):
        assert "3,000,000.00 CNY" in render_stored(stored)


def test_changed_fields_are_named_by_their_labels_in_the_readers_language():
    names = field_names(Agreement, ["expires_on", "signed_on"])

    with translation.override("en"):
        assert str(names) == "expires on, signed on"
    with translation.override("zh-hans"):
        assert "expires" not in str(names)
        assert "、" in str(names)


def test_an_entry_written_before_messages_were_kept_shows_its_summary():
    assert render_stored({}, "Milestone planned.") == "Milestone planned."
    assert render_stored({"values": {}}, "Milestone planned.") == "Milestone planned."


def test_a_notice_shows_in_the_language_of_the_page_that_lists_it(staff_user):
    from django.utils.translation import gettext_lazy

    from notifications.choices import NotificationKind
    from notifications.services import notify
    from notifications.text import Money, NoticeText

    staff_user.language = "en"
    staff_user.save()
    [notice] = notify(
        recipients=[staff_user],
        kind=NotificationKind.MILESTONE_CLAIMABLE,
        event_key="test:1",
        title=NoticeText(gettext_lazy("Milestone can be claimed")),
        body=NoticeText(
            gettext_lazy("%(amount)s %(currency)s, due %(due)s."),
            amount=Money(Decimal("3000000"), "CNY", code=False),
            currency="CNY",
            due=DAY,
        ),
    )
    notice.refresh_from_db()

    assert notice.body == "3,000,000.00 CNY, due 6 Dec 2026."
    with translation.override("zh-hans"):
        assert notice.title_text != "Milestone can be claimed"
        assert "2026年12月6日" in notice.body_text
        assert "due" not in notice.body_text


def test_the_activity_timeline_reads_in_chinese_on_a_chinese_page(client, staff_user):
    client.force_login(staff_user)
    project = ProjectUnderAgreementFactory(lead_institution=staff_user.institutions.get())
    services.project_advance(project=project, by=staff_user, rationale="Gate passed.")
    project.refresh_from_db()

    activity = reverse("projects:section", args=[project.code, "activity"])

    chinese = client.get(activity, HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HX_REQUEST="true")
    english = client.get(activity, HTTP_ACCEPT_LANGUAGE="en", HTTP_HX_REQUEST="true")

    stage = project.current_stage
    assert f"→ {escape(stage.name)}. Gate passed." in english.text
    assert f"→ {escape(stage.name_zh)}" in chinese.text
    assert f"→ {escape(stage.name)}." not in chinese.text
