"""A project's page in the staff UI: what it shows, who reaches it, and the
stage-gate and milestone actions, documents, costs and forms on it."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pipelines.models import StageDefinition
from projects import services
from projects.models import Milestone, ResearchProject
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    DocumentFactory,
    FailureClauseFactory,
    InstitutionFactory,
    MilestoneFactory,
    MilestoneScheduleItemFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
    RoyaltyTierFactory,
    StageTransitionFactory,
    UserFactory,
    first_stage,
)

pytestmark = pytest.mark.django_db


def today_iso():
    return timezone.localdate().isoformat()


HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agreement(institution):
    return AgreementFactory(partnership__institution=institution, currency="CNY")


@pytest.fixture
def project(agreement):
    project = ProjectUnderAgreementFactory(
        code="ELU-001", title="Bispecific antibody", agreement=agreement
    )
    StageTransitionFactory(project=project, rationale="Target validated in two models.")
    return project


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.code, *args])


def gate(project, decision):
    return url("gate_decision", project, decision)


def milestone_url(milestone, action):
    return url("milestone_action", milestone.project, milestone.pk, action)


def pdf(name="result.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


# --- The page --------------------------------------------------------------------


def test_the_page_shows_staff_every_section_with_terms_in_words_and_numbers(
    client, staff, project, agreement
):
    """Header, road to market and next gate, decisions, milestones, terms,
    ledger, documents and activity are all on the page."""
    stage = project.current_stage
    CostShareFactory(agreement=agreement, first_stage=stage, party="research", percent=60)
    CostShareFactory(agreement=agreement, first_stage=stage, party="enterprise", percent=40)
    FailureClauseFactory(agreement=agreement, stage=stage, break_fee=Decimal("50000"))
    MilestoneScheduleItemFactory(agreement=agreement, name="IND filed", amount=Decimal("2000000"))
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=4)
    RoyaltyTierFactory(agreement=agreement, lower_bound=10_000_000, rate_percent=6)
    CostEntryFactory(project=project, paid_by="research", amount=1000, currency="CNY")
    MilestoneFactory(project=project, name="Proof of concept", due_date=datetime.date(2020, 1, 1))
    DocumentFactory(project=project, original_name="tox-report.pdf")
    ActivityFactory(project=project, summary="Budget raised.")

    response = client.get(project.get_absolute_url())

    assert response.status_code == 200
    page = response.text
    for section in (
        'id="project-header"',
        'id="project-gates"',
        'id="project-milestones"',
        'id="project-terms"',
        'id="project-ledger"',
        'id="project-documents"',
        'id="project-activity"',
        'id="project-valuations-heading"',
    ):
        assert section in page
    assert "Target validated in two models." in page
    assert "Next gate" in page and "Lead discovery" in page
    assert "Proof of concept" in page and "Overdue" in page
    assert "60.00 %" in page and "40.00 %" in page
    assert "If terminated at" in page and "break fee 50,000.00 CNY" in page
    assert "IND filed" in page and "2,000,000.00 CNY" in page
    assert "0.00 CNY to 10,000,000.00 CNY" in page and "above 10,000,000.00 CNY" in page
    assert "Obligation" in page and "600.00 CNY" in page and "400.00 CNY" in page
    assert "tox-report.pdf" in page and "Budget raised." in page
    assert "Create milestones from the agreement’s schedule" in page


def test_staff_of_another_institution_get_not_found(client, project):
    client.force_login(UserFactory(institutions=[InstitutionFactory()]))

    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.post(gate(project, "hold"), {"rationale": "x"}).status_code == 404


def test_a_partner_of_another_enterprise_gets_not_found(client, project):
    client.force_login(PartnerUserFactory())

    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.get(url("section", project, "milestones")).status_code == 404


def test_a_partner_cannot_open_the_staff_project_page_or_decide(client, project):
    """Partners follow their projects in the portal; the staff page and its
    actions answer 404 even for their own enterprise's project."""
    partner = PartnerUserFactory(enterprise=project.partner_enterprises.get())
    client.force_login(partner)

    page = client.get(project.get_absolute_url())
    refused = client.post(gate(project, "advance"), {"rationale": "Push."}, **HTMX)

    project.refresh_from_db()
    assert page.status_code == 404
    assert refused.status_code == 404
    assert project.current_stage.position == 1


def test_disabled_decisions_say_why(client, staff, project):
    """Resume is refused for an active project, and the page says why."""
    response = client.get(project.get_absolute_url())

    assert 'aria-describedby="gate-resume-reason"' in response.text
    assert "Only a project on hold can be resumed." in response.text


def test_the_page_takes_as_many_queries_for_twenty_rows_as_for_one(
    client, staff, project, django_assert_num_queries
):
    """Milestones, transitions and documents do not add queries per row."""

    def add_rows():
        document = DocumentFactory(project=project)
        milestone = MilestoneFactory(project=project, status="verified")
        services.milestone_invoice(milestone=milestone, by=staff)
        transition = StageTransitionFactory(project=project, rationale="Reviewed.")
        transition.evidence.add(document)

    add_rows()
    with CaptureQueriesContext(connection) as one:
        assert client.get(project.get_absolute_url()).status_code == 200
    for _ in range(19):
        add_rows()
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(project.get_absolute_url()).status_code == 200

    assert len(twenty) == len(one)


def test_milestones_in_other_states_and_stages_add_no_queries_for_staff(client, staff, project):
    """What a staff member may do with each milestone depends on its state
    and stage; whether they act for the agreement's institution is asked
    once, not once per milestone and action."""
    stages = list(project.current_stage.pipeline.stages.order_by("position"))

    def add_milestones(trigger_stage):
        for status in ("planned", "claimed", "verified", "disputed"):
            MilestoneFactory(
                project=project,
                status=status,
                trigger_stage=trigger_stage,
                dispute_reason="Data incomplete." if status == "disputed" else "",
            )

    add_milestones(None)
    with CaptureQueriesContext(connection) as few:
        assert client.get(project.get_absolute_url()).status_code == 200
    for stage in stages[1:4]:
        add_milestones(stage)
    with CaptureQueriesContext(connection) as many:
        assert client.get(project.get_absolute_url()).status_code == 200

    assert len(many) == len(few)


# --- Stage-gate decisions -------------------------------------------------------


def test_advancing_moves_the_project_and_answers_with_the_gates(client, staff, project):
    response = client.post(
        gate(project, "advance"), {"rationale": "Hit-to-lead criteria met."}, **HTMX
    )

    project.refresh_from_db()
    assert response.status_code == 200
    assert project.current_stage.position == 2
    assert "project-changed" in response["HX-Trigger"]
    assert "Hit-to-lead criteria met." in response.text
    # The header, overview, milestones and timeline come along, swapped out
    # of band.
    assert response.text.count('hx-swap-oob="true"') == 4
    assert "Edit details" in response.text


def test_the_next_gates_probability_of_success_reads_as_a_percentage(client, staff, project):
    next_stage = project.pipeline.stages.get(position=2)
    next_stage.default_success_probability = Decimal("0.2890")
    next_stage.save()

    response = client.get(project.get_absolute_url())

    assert "probability of passing it: 28.9 %" in response.text


def test_a_gate_decision_brings_the_overviews_new_trl_along(client, staff, project):
    """Entering a stage lifts the TRL into the stage's range; the Overview
    shows it at once, not after a reload."""
    ResearchProject.objects.filter(pk=project.pk).update(trl=1)
    next_stage = project.pipeline.stages.get(position=2)

    response = client.post(gate(project, "advance"), {"rationale": "Lead found."}, **HTMX)

    project.refresh_from_db()
    assert project.trl == max(1, next_stage.trl_min)
    overview = response.text[response.text.index('id="project-overview"') :]
    assert 'hx-swap-oob="true"' in overview[: overview.index(">")]
    assert f'data-testid="project-trl">{project.trl}</dd>' in overview


def test_hold_resume_revert_and_terminate_through_the_page(client, staff, project):
    """Each decision is recorded by its service and the status follows."""
    services.project_advance(project=project, by=staff, rationale="Lead found.")
    steps = [
        ("hold", {}, "on_hold", 2),
        ("resume", {}, "active", 2),
        ("revert", {"to_stage": first_stage().pk}, "active", 1),
        ("terminate", {}, "terminated", 1),
    ]
    for decision, extra, status, position in steps:
        response = client.post(
            gate(project, decision), {"rationale": f"Why {decision}.", **extra}, **HTMX
        )
        project.refresh_from_db()
        assert response.status_code == 200
        assert (project.status, project.current_stage.position) == (status, position)
        assert f"Why {decision}." in response.text
    assert "The project is terminated; that decision is final." in response.text


def test_a_decision_without_rationale_shows_the_error_next_to_the_field(client, staff, project):
    response = client.post(gate(project, "advance"), {"rationale": ""}, **HTMX)

    project.refresh_from_db()
    assert project.current_stage.position == 1
    assert 'id="id_rationale_error"' in response.text


def test_a_skip_goes_to_the_chosen_stage_with_evidence(client, staff, project):
    document = DocumentFactory(project=project)
    target = StageDefinition.objects.get(pipeline=project.pipeline, position=4)

    client.post(
        gate(project, "skip"),
        {"rationale": "Licensed-in data.", "to_stage": target.pk, "evidence": [document.pk]},
        **HTMX,
    )

    project.refresh_from_db()
    assert project.current_stage == target
    assert list(project.transitions.latest("decided_at").evidence.all()) == [document]


def test_the_skip_form_offers_only_stages_past_the_next(client, staff, project):
    stages = {s.position: s for s in StageDefinition.objects.filter(pipeline=project.pipeline)}

    response = client.get(gate(project, "skip"), **HTMX)

    assert f'value="{stages[2].pk}"' not in response.text
    assert f'value="{stages[3].pk}"' in response.text


def test_a_skip_without_a_stage_keeps_the_rationale_and_evidence(client, staff, project):
    document = DocumentFactory(project=project)

    response = client.post(
        gate(project, "skip"),
        {"rationale": "Licensed-in data.", "evidence": [document.pk]},
        **HTMX,
    )

    project.refresh_from_db()
    assert project.current_stage.position == 1
    assert 'id="id_to_stage_error"' in response.text
    assert "Licensed-in data.</textarea>" in response.text
    assert f'value="{document.pk}" id="id_evidence_0" checked' in response.text


def test_a_refused_decision_shows_the_guard_reason_and_changes_nothing(client, staff, project):
    response = client.post(gate(project, "resume"), {"rationale": "Go on."}, **HTMX)

    project.refresh_from_db()
    assert project.status == "active"
    assert "Only a project on hold can be resumed." in response.text
    assert "HX-Trigger" not in response


def test_a_decision_on_a_stale_page_is_refused(client, staff, project):
    """Another reviewer moved the project since this page was loaded."""
    services.project_hold(project=project, by=staff, rationale="Funding paused.")

    response = client.post(
        gate(project, "terminate"),
        {"rationale": "Stop.", "seen_stage": project.current_stage_id, "seen_status": "active"},
        **HTMX,
    )

    project.refresh_from_db()
    assert project.status == "on_hold"
    assert "Another decision was recorded meanwhile" in response.text


def test_terminating_asks_for_confirmation_and_shows_the_failure_clause(
    client, staff, project, agreement
):
    FailureClauseFactory(
        agreement=agreement, stage=project.current_stage, break_fee=Decimal("20000")
    )

    response = client.get(gate(project, "terminate"), **HTMX)

    assert "hx-confirm=" in response.text
    assert "the IP reverts to the institution" in response.text
    assert "break fee 20,000.00 CNY paid by the enterprise" in response.text


# --- Milestones ---------------------------------------------------------------------


def test_claiming_with_evidence_answers_with_the_claimed_milestone(client, staff, project):
    milestone = MilestoneFactory(project=project)
    document = DocumentFactory(project=project)

    response = client.post(
        milestone_url(milestone, "claim"),
        {"evidence_note": "Efficacy in two models.", "documents": [document.pk]},
        **HTMX,
    )

    milestone.refresh_from_db()
    assert milestone.status == "claimed"
    assert f'id="milestone-{milestone.pk}"' in response.text
    assert "Efficacy in two models." in response.text
    assert "activity-changed" in response["HX-Trigger"]


def test_a_claim_can_upload_its_evidence(client, staff, project):
    milestone = MilestoneFactory(project=project)

    client.post(
        milestone_url(milestone, "claim"), {"evidence_note": "", "file": pdf("pk.pdf")}, **HTMX
    )

    milestone.refresh_from_db()
    assert milestone.status == "claimed"
    assert milestone.documents.get().original_name == "pk.pdf"


def test_a_refused_claim_keeps_no_uploaded_file(client, staff, project):
    """The claim and its new file stand or fall together."""
    milestone = MilestoneFactory(project=project, status="verified")

    client.post(milestone_url(milestone, "claim"), {"evidence_note": "x", "file": pdf()}, **HTMX)

    assert not project.documents.exists()


def test_a_claim_without_evidence_shows_the_error_and_keeps_nothing_lost(client, staff, project):
    milestone = MilestoneFactory(project=project)

    response = client.post(milestone_url(milestone, "claim"), {"evidence_note": "  "}, **HTMX)

    milestone.refresh_from_db()
    assert milestone.status == "planned"
    assert "A claim needs evidence" in response.text
    assert 'id="id_evidence_note_error"' in response.text


def test_staff_record_the_enterprise_s_verification_with_its_letter(client, staff, project):
    milestone = MilestoneFactory(project=project, status="claimed")
    enterprise = project.agreement.partnership.enterprise

    form = client.get(milestone_url(milestone, "record_verification"), **HTMX)
    response = client.post(
        milestone_url(milestone, "record_verification"),
        {"evidence": "letter", "file": pdf("confirmation.pdf"), "note": "Signed by the CTO."},
        **HTMX,
    )

    assert "Letter or email" in form.text
    milestone.refresh_from_db()
    assert milestone.status == "verified"
    assert milestone.verified_by is None and milestone.verification_recorded_by == staff
    letter = milestone.documents.get()
    assert letter.original_name == "confirmation.pdf" and not letter.is_internal
    assert f"{enterprise.name} confirmed in writing (signed letter)" in response.text
    invoice_button = response.text.split(">Invoice</button>")[0].rsplit("<button", 1)[1]
    assert "disabled" not in invoice_button


def test_recording_a_verification_without_the_letter_keeps_the_claim(client, staff, project):
    milestone = MilestoneFactory(project=project, status="claimed")

    response = client.post(
        milestone_url(milestone, "record_verification"), {"evidence": "email"}, **HTMX
    )

    milestone.refresh_from_db()
    assert milestone.status == "claimed"
    assert "Attach the enterprise&#x27;s letter or email" in response.text


def test_a_milestone_of_a_project_the_staff_do_not_work_on_answers_404(client, staff):
    foreign = MilestoneFactory(
        project=ProjectUnderAgreementFactory(code="FOR-001"), status="claimed"
    )

    response = client.post(
        milestone_url(foreign, "record_verification"), {"evidence": "letter", "file": pdf()}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "claimed"


def test_invoicing_and_recording_payments(client, staff, project):
    milestone = MilestoneFactory(project=project, status="verified", amount=Decimal("1000"))

    client.post(milestone_url(milestone, "invoice"), {"payment_terms_days": 30}, **HTMX)
    milestone.refresh_from_db()
    assert milestone.status == "invoiced"

    response = client.post(
        milestone_url(milestone, "pay"),
        {"amount": "400", "currency": "CNY", "paid_on": today_iso(), "reference": "TX-1"},
        **HTMX,
    )
    milestone.refresh_from_db()
    assert milestone.status == "partially_paid"
    assert "TX-1" in response.text and "outstanding 600.00 CNY" in response.text


def test_the_payment_form_offers_what_is_outstanding(client, staff, project):
    milestone = MilestoneFactory(project=project, status="verified", amount=Decimal("1000"))
    invoice = services.milestone_invoice(milestone=milestone, by=staff)
    services.payment_record(
        invoice=invoice,
        amount=Decimal("250"),
        currency="CNY",
        paid_on=invoice.issued_on,
        by=staff,
    )

    response = client.get(milestone_url(milestone, "pay"), **HTMX)

    assert 'name="amount" value="750.00"' in response.text


def test_a_payment_dated_before_its_invoice_is_refused_next_to_the_date(client, staff, project):
    milestone = MilestoneFactory(project=project, status="verified", amount=Decimal("1000"))
    invoice = services.milestone_invoice(milestone=milestone, by=staff)
    day_before = invoice.issued_on - datetime.timedelta(days=1)

    response = client.post(
        milestone_url(milestone, "pay"),
        {"amount": "100", "currency": "CNY", "paid_on": day_before.isoformat()},
        **HTMX,
    )

    milestone.refresh_from_db()
    assert milestone.status == "invoiced"
    assert 'id="id_paid_on_error"' in response.text
    assert "cannot be dated before its invoice" in response.text


def test_an_overpayment_is_refused_next_to_the_amount_with_the_input_kept(client, staff, project):
    milestone = MilestoneFactory(project=project, status="verified", amount=Decimal("1000"))
    services.milestone_invoice(milestone=milestone, by=staff)

    response = client.post(
        milestone_url(milestone, "pay"),
        {"amount": "1500", "currency": "CNY", "paid_on": today_iso(), "reference": "TX-9"},
        **HTMX,
    )

    milestone.refresh_from_db()
    assert milestone.status == "invoiced"
    assert 'id="id_amount_error"' in response.text and "would exceed" in response.text
    assert 'value="TX-9"' in response.text


def test_a_refused_milestone_action_shows_the_guard_reason(client, staff, project):
    milestone = MilestoneFactory(project=project)

    response = client.post(milestone_url(milestone, "invoice"), {"payment_terms_days": 30}, **HTMX)

    milestone.refresh_from_db()
    assert milestone.status == "planned"
    assert "Invoice it once the claim is verified." in response.text


def test_cancelling_needs_a_reason_and_is_confirmed(client, staff, project):
    milestone = MilestoneFactory(project=project)

    form = client.get(milestone_url(milestone, "cancel"), **HTMX)
    refused = client.post(milestone_url(milestone, "cancel"), {"reason": ""}, **HTMX)
    milestone.refresh_from_db()
    assert "hx-confirm=" in form.text
    assert milestone.status == "planned" and 'id="id_reason_error"' in refused.text

    client.post(milestone_url(milestone, "waive"), {"reason": "Goodwill."}, **HTMX)
    milestone.refresh_from_db()
    assert milestone.status == "waived"


def test_verify_and_dispute_show_only_to_superusers(client, staff, project, superuser):
    milestone = MilestoneFactory(project=project, status="claimed")

    staff_page = client.get(project.get_absolute_url())
    assert client.get(milestone_url(milestone, "verify"), **HTMX).status_code == 404
    client.force_login(superuser)
    superuser_page = client.get(project.get_absolute_url())
    client.post(milestone_url(milestone, "verify"), {"comment": "Confirmed."}, **HTMX)

    assert milestone_url(milestone, "verify") not in staff_page.text
    assert milestone_url(milestone, "verify") in superuser_page.text
    milestone.refresh_from_db()
    assert milestone.status == "verified"


def test_milestones_are_created_from_the_schedule(client, staff, project, agreement):
    MilestoneScheduleItemFactory(agreement=agreement, name="First sale")

    response = client.post(url("milestones_from_schedule", project), **HTMX)

    assert Milestone.objects.filter(project=project, name="First sale").exists()
    assert "1 milestone created." in response.text


# --- Costs, documents, activity -----------------------------------------------------


def test_a_cost_entry_is_recorded_and_the_ledger_redrawn(client, staff, project):
    response = client.post(
        url("cost_entry_create", project),
        {
            "stage": project.current_stage_id,
            "paid_by": "enterprise",
            "amount": "2500",
            "currency": "CNY",
            "incurred_on": "2025-02-01",
            "description": "Animal study",
        },
        **HTMX,
    )

    assert project.cost_entries.get().amount == Decimal("2500.00")
    assert 'id="project-ledger"' in response.text and "2,500.00 CNY" in response.text


def test_a_future_cost_is_refused_next_to_its_date(client, staff, project):
    response = client.post(
        url("cost_entry_create", project),
        {
            "stage": project.current_stage_id,
            "paid_by": "research",
            "amount": "10",
            "currency": "CNY",
            "incurred_on": "2999-01-01",
            "description": "Later",
        },
        **HTMX,
    )

    assert not project.cost_entries.exists()
    assert 'id="id_incurred_on_error"' in response.text


def test_an_upload_of_a_wrong_type_says_so_clearly(client, staff, project):
    response = client.post(
        url("document_create", project),
        {"file": SimpleUploadedFile("tool.exe", b"MZ...")},
        **HTMX,
    )

    assert not project.documents.exists()
    assert "Files of type .exe are not accepted" in response.text


def test_an_upload_over_the_size_limit_says_so_clearly(client, staff, project, settings):
    settings.DOCUMENT_MAX_BYTES = 10

    response = client.post(url("document_create", project), {"file": pdf()}, **HTMX)

    assert not project.documents.exists()
    assert "The file is larger than the limit of 10 bytes." in response.text


def test_an_uploaded_document_is_listed_and_downloads(client, staff, project):
    client.post(url("document_create", project), {"file": pdf("assay.pdf")}, **HTMX)
    document = project.documents.get()

    page = client.get(project.get_absolute_url())
    download = client.get(url("document_download", project, document.pk))

    assert "assay.pdf" in page.text
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_downloads_are_scoped_to_what_the_user_sees(client, staff, project, partner_user):
    other_project = ResearchProjectFactory()
    foreign = DocumentFactory(project=other_project)
    internal = DocumentFactory(project=project, is_internal=True)

    assert client.get(url("document_download", project, foreign.pk)).status_code == 404
    assert client.get(url("document_download", other_project, foreign.pk)).status_code == 404
    assert client.get(url("document_download", project, 999999)).status_code == 404
    partner = PartnerUserFactory(enterprise=project.partner_enterprises.get())
    client.force_login(partner)
    assert client.get(url("document_download", project, internal.pk)).status_code == 404


def test_the_activity_timeline_shows_more_on_demand(client, staff, project):
    for number in range(20):
        ActivityFactory(project=project, summary=f"Entry {number:02d}")

    first = client.get(project.get_absolute_url())
    more = client.get(url("activity", project), {"page": 2}, **HTMX)

    assert "Entry 19" in first.text and "Entry 00" not in first.text
    assert "Show more" in first.text
    assert "Entry 00" in more.text


# --- Registering and editing ----------------------------------------------------------


def project_data(institution, **changes):
    data = {
        "code": "ELU-100",
        "title": "mRNA vaccine",
        "current_stage": first_stage().pk,
        "lead_institution": institution.pk,
        "trl": 2,
        "budget": "100000",
        "currency": "CNY",
        "start_date": "2025-01-01",
    }
    data.update(changes)
    return data


def test_staff_register_a_project(client, staff, institution):
    response = client.post(reverse("projects:create"), project_data(institution))

    project = ResearchProject.objects.get(code="ELU-100")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert project.transitions.get().kind == "start"


def test_the_create_form_shows_field_errors_and_keeps_the_input(client, staff, institution):
    response = client.post(
        reverse("projects:create"), project_data(institution, trl=12, title="Kept title")
    )

    assert response.status_code == 200
    assert 'id="id_trl_error"' in response.text
    assert 'value="Kept title"' in response.text
    assert not ResearchProject.objects.filter(code="ELU-100").exists()


def test_staff_cannot_register_a_project_out_of_their_sight(client, staff):
    elsewhere = InstitutionFactory()

    response = client.post(reverse("projects:create"), project_data(elsewhere))

    assert response.status_code == 200
    assert "only under their own institutions" in response.text
    assert not ResearchProject.objects.filter(code="ELU-100").exists()


def test_staff_edit_a_project(client, staff, project):
    form = client.get(url("edit", project))
    data = {
        "title": "Renamed antibody",
        "lead_institution": project.lead_institution_id,
        "partner_enterprises": [e.pk for e in project.partner_enterprises.all()],
        "partnership": project.partnership_id,
        "agreement": project.agreement_id,
        "trl": project.trl,
        "budget": "5",
        "currency": "CNY",
        "start_date": "2024-03-01",
    }

    response = client.post(url("edit", project), data)

    project.refresh_from_db()
    assert form.status_code == 200
    assert response.status_code == 302
    assert project.title == "Renamed antibody"


def test_the_edit_form_refuses_an_agreement_of_another_partnership(client, staff, project):
    other = AgreementFactory(partnership__institution=project.lead_institution)
    data = {
        "title": project.title,
        "lead_institution": project.lead_institution_id,
        "partnership": project.partnership_id,
        "agreement": other.pk,
        "trl": project.trl,
        "budget": "5",
        "currency": "CNY",
        "start_date": "2024-03-01",
    }

    response = client.post(url("edit", project), data)

    project.refresh_from_db()
    assert 'id="id_agreement_error"' in response.text
    assert project.agreement_id != other.pk


def test_partners_cannot_open_the_forms(client, partner_user, project):
    client.force_login(partner_user)

    assert client.get(reverse("projects:create")).status_code == 404
    assert client.get(url("edit", project)).status_code == 404


def test_money_shows_the_currency_minor_units_and_digit_grouping():
    from core.templatetags.biobridge import money

    assert money(Decimal("1250000"), "CNY") == "1,250,000.00 CNY"
    assert money(Decimal("1250000"), "JPY") == "1,250,000 JPY"
    assert money(None, "CNY") == "—"


@pytest.mark.parametrize(
    "section", ["header", "gates", "milestones", "ledger", "documents", "activity"]
)
def test_each_region_renders_on_its_own(client, staff, project, section):
    response = client.get(url("section", project, section), **HTMX)

    assert response.status_code == 200
    assert f'id="project-{section}"' in response.text
    assert "<html" not in response.text


def test_the_page_renders_in_chinese(client, staff, project):
    project.title_zh = "双特异性抗体"
    project.save()

    response = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert "双特异性抗体" in response.text


def test_staff_cannot_move_a_project_out_of_their_sight(client, staff):
    project = ResearchProjectFactory(lead_institution=staff.institutions.get())
    elsewhere = InstitutionFactory()
    data = {
        "title": project.title,
        "lead_institution": elsewhere.pk,
        "trl": project.trl,
        "budget": "5",
        "currency": "CNY",
        "start_date": "2024-03-01",
    }

    response = client.post(url("edit", project), data)

    project.refresh_from_db()
    assert 'id="id_lead_institution_error"' in response.text
    assert project.lead_institution_id != elsewhere.pk


def test_chinese_pages_group_amounts_in_thousands_with_commas():
    from django.utils import translation

    from core.templatetags.biobridge import money

    with translation.override("zh-hans"):
        assert money(Decimal("1250000"), "CNY") == "1,250,000.00 CNY"


def test_a_gate_form_that_cannot_be_sent_says_why_instead_of_failing(client, staff, project):
    """Resume is for projects on hold: its form, opened on an active
    project, shows the reason (it answered a server error)."""
    response = client.get(url("gate_decision", project, "resume"), **HTMX)

    assert response.status_code == 200
    assert "on hold" in response.text
