"""The table of milestone actions: each name with its guard and its service,
which the project page, the portal and the API all go through."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError
from projects.choices import MilestoneStatus
from projects.services.milestone_actions import (
    MILESTONE_ACTIONS,
    milestone_act,
    milestone_action_guard,
)
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_the_table_holds_every_action_a_user_can_take_on_a_milestone():
    assert set(MILESTONE_ACTIONS) == {
        "claim",
        "verify",
        "dispute",
        "record_verification",
        "invoice",
        "pay",
        "cancel",
        "waive",
    }


def test_a_milestone_goes_from_claim_to_payment_through_the_table(
    project, staff_user, partner_user
):
    milestone = MilestoneFactory(project=project, amount=Decimal("1000.00"))

    milestone_act(action="claim", milestone=milestone, by=staff_user, evidence_note="Report.")
    milestone_act(action="verify", milestone=milestone, by=partner_user, comment="")
    invoice = milestone_act(action="invoice", milestone=milestone, by=staff_user)
    milestone.refresh_from_db()
    milestone_act(
        action="pay",
        milestone=milestone,
        by=staff_user,
        amount=Decimal("1000.00"),
        currency=invoice.currency,
        paid_on=timezone.localdate(),
        reference="BANK-1",
    )

    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PAID


def test_a_guard_says_why_an_action_is_not_open_before_anyone_tries_it(
    project, staff_user, partner_user
):
    milestone = MilestoneFactory(project=project)

    pay = milestone_action_guard("pay", milestone, staff_user)
    verify = milestone_action_guard("verify", milestone, staff_user)
    claim = milestone_action_guard("claim", milestone, staff_user)

    payee = project.agreement.partnership.institution.name
    assert not pay and pay.reason == (
        "Record payments once the milestone is invoiced. "
        f"Waiting for {payee} to claim the milestone."
    )
    assert not verify and verify.code == "not_payer"
    assert claim


def test_a_payment_on_a_milestone_not_yet_invoiced_is_refused(project, staff_user):
    milestone = MilestoneFactory(project=project)

    with pytest.raises(DomainError) as error:
        milestone_act(
            action="pay",
            milestone=milestone,
            by=staff_user,
            amount=Decimal("10.00"),
            currency=milestone.currency,
            paid_on=timezone.localdate(),
        )

    assert error.value.code == "not_invoiced"


@pytest.mark.parametrize(
    ("action", "status"),
    [("cancel", MilestoneStatus.CANCELLED), ("waive", MilestoneStatus.WAIVED)],
)
def test_cancel_and_waive_each_close_the_milestone_once(project, staff_user, action, status):
    milestone = MilestoneFactory(project=project)

    assert milestone_action_guard(action, milestone, staff_user)
    milestone_act(action=action, milestone=milestone, by=staff_user, reason="Out of scope.")

    milestone.refresh_from_db()
    assert milestone.status == status
    assert not milestone_action_guard(action, milestone, staff_user)
