"""Failure clauses as they apply to a project, and cost entries (DESIGN §5).
The cost shares themselves are terms of the agreement: ``partnerships``."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import PAST, date_check
from core.errors import DomainError
from core.i18n import Localized, Message, Money
from core.money import Currency, quantize_money
from core.text import text_input
from partnerships.choices import Party
from partnerships.models import FailureClause
from pipelines.models import StageDefinition
from projects.activity import activity_record
from projects.models import CostEntry, ResearchProject
from projects.selectors import staff_work_on_project


def failure_clause_for(*, project: ResearchProject, stage: StageDefinition):
    """The failure clause that applies if the project ends at ``stage``."""
    if project.agreement_id is None:
        return None
    return FailureClause.objects.filter(agreement_id=project.agreement_id, stage=stage).first()


class CostEntryError(DomainError):
    code = "invalid_cost_entry"


@transaction.atomic
def cost_entry_record(
    *,
    project: ResearchProject,
    stage: StageDefinition,
    paid_by: str,
    amount: Decimal,
    currency: str,
    incurred_on: date,
    description: str,
    by,
) -> CostEntry:
    """Record money a party spent on the project at a stage."""
    if not staff_work_on_project(by, project):
        raise CostEntryError(
            _("Only the project's research staff record costs."), code="permission_denied"
        )
    if stage.pipeline_id != project.current_stage.pipeline_id:
        raise CostEntryError(_("The stage belongs to another pipeline."), field="stage")
    if paid_by not in Party.values:
        raise CostEntryError(_("Unknown party."), field="paid_by")
    if currency not in Currency.values:
        raise CostEntryError(_("Unknown currency."), field="currency")
    amount = quantize_money(amount, currency)
    if amount <= 0:
        raise CostEntryError(_("A cost is a positive amount."), field="amount")
    if incurred_on > timezone.localdate():
        raise CostEntryError(_("A cost cannot be dated in the future."), field="incurred_on")
    date_check(incurred_on, field="incurred_on", bounds=PAST)
    description = text_input(
        description,
        model=CostEntry,
        field="description",
        required=_("Say what the money was spent on."),
        error_class=CostEntryError,
    )
    entry = CostEntry.objects.create(
        project=project,
        stage=stage,
        paid_by=paid_by,
        amount=amount,
        currency=currency,
        incurred_on=incurred_on,
        description=description,
        recorded_by=by,
    )
    activity_record(
        actor=by,
        verb="cost.recorded",
        target=entry,
        project=project,
        agreement=project.agreement,
        summary=Message(
            gettext_lazy("%(party)s spent %(amount)s %(currency)s at %(stage)s: %(description)s"),
            party=Party(paid_by).label,
            amount=Money(amount, currency, code=False),
            currency=currency,
            stage=Localized(stage),
            description=description,
        ),
        changes={"amount": amount, "paid_by": paid_by, "stage": stage.pk},
    )
    return entry
