"""What a staff member may do with a run now, and if not, why: the pages
show the reason on a disabled button before anyone presses it. The
services (``runs.py``) enforce the same rules when the action is taken;
these guards only read."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import Guard
from core.i18n import localized_name

from ..choices import LineState, RunState
from ..models import DistributionLine, DistributionRun
from .runs import may_distribute_for


def _first_refusal(*refusals: Guard | None) -> Guard:
    """The first refusal, or an allowing guard. (A refusing ``Guard`` is
    falsy, so ``or`` cannot chain them.)"""
    for refusal in refusals:
        if refusal is not None:
            return refusal
    return Guard(True)


@dataclass(frozen=True)
class RunGuards:
    """The guards of one run's actions for one user, read with one query
    (whether the user distributes for the run's institution), so a page of
    many lines asks nothing more per line."""

    run: DistributionRun
    user_id: int
    may_distribute: bool

    def _staff(self) -> Guard | None:
        if not self.may_distribute:
            return Guard(
                False,
                _("Only staff of %(institution)s distribute its income.")
                % {"institution": localized_name(self.run.institution)},
                code="not_institution_staff",
            )
        return None

    def _draft(self) -> Guard | None:
        if self.run.state != RunState.DRAFT:
            return Guard(
                False,
                _("The run is approved and cannot change; correct it with a new run."),
                code="run_approved",
            )
        return None

    @property
    def approve(self) -> Guard:
        refusal = _first_refusal(self._staff(), self._draft())
        if not refusal.allowed:
            return refusal
        if self.run.prepared_by_id == self.user_id:
            return Guard(
                False,
                _(
                    "You prepared this run: another staff member approves it "
                    "(four-eyes principle)."
                ),
                code="approver_is_preparer",
            )
        return Guard(True)

    @property
    def recompute(self) -> Guard:
        return _first_refusal(self._staff(), self._draft())

    @property
    def discard(self) -> Guard:
        return _first_refusal(self._staff(), self._draft())

    @property
    def correct(self) -> Guard:
        refusal = self._staff()
        if refusal is not None:
            return refusal
        if self.run.state != RunState.APPROVED:
            return Guard(
                False,
                _("Only an approved run is corrected; a draft is recomputed instead."),
                code="run_not_correctable",
            )
        if self.run.corrects_id is not None:
            return Guard(
                False,
                _("This run is a correction: correct the original run instead."),
                code="run_not_correctable",
            )
        return Guard(True)

    @property
    def notice(self) -> Guard:
        refusal = self._staff()
        if refusal is not None:
            return refusal
        if self.run.state != RunState.APPROVED:
            return Guard(
                False,
                _("The cash rewards are put on public notice once the run is approved."),
                code="run_not_approved",
            )
        return Guard(True)

    def settle(self, line: DistributionLine) -> Guard:
        refusal = self._staff()
        if refusal is not None:
            return refusal
        if self.run.state != RunState.APPROVED:
            return Guard(
                False,
                _("Lines are paid or granted once the run is approved."),
                code="run_not_approved",
            )
        if line.state != LineState.PENDING:
            return Guard(False, _("The line is settled already."), code="line_settled")
        if line.amount <= 0 and not line.equity_shares:
            return Guard(
                False,
                _("Nothing is owed on this line: a reduction is settled against other payments."),
                code="nothing_to_settle",
            )
        return Guard(True)


def run_guards(user, run: DistributionRun) -> RunGuards:
    return RunGuards(
        run=run, user_id=user.pk, may_distribute=may_distribute_for(user, run.institution)
    )
