from django.db import models
from django.utils.translation import gettext_lazy as _


class ValuationMethod(models.TextChoices):
    RNPV = "rnpv", _("Risk-adjusted NPV")
    RELIEF_FROM_ROYALTY = "relief_from_royalty", _("Relief from royalty")
    PROFIT_SPLIT = "profit_split", _("Profit split")
    EXCESS_EARNINGS = "excess_earnings", _("Multi-period excess earnings")
    COST_APPROACH = "cost_approach", _("Cost approach")
    MARKET_APPROACH = "market_approach", _("Market approach")
    SCORECARD = "scorecard", _("Maturity scorecard")


class ValuationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ClinicalPhase(models.TextChoices):
    """Phases of clinical development that reference success rates are
    published for. The codes match the stage codes of the drug pipeline."""

    PHASE_1 = "phase_1", _("Phase I → Phase II")
    PHASE_2 = "phase_2", _("Phase II → Phase III")
    PHASE_3 = "phase_3", _("Phase III → NDA/BLA")
    REGISTRATION = "registration", _("NDA/BLA → approval")
    PHASE_1_TO_APPROVAL = "phase_1_to_approval", _("Phase I → approval (LOA)")


class PortfolioScope(models.TextChoices):
    """Whose projects a portfolio gathers."""

    INSTITUTION = "institution", _("Institution")
    JOINT_CENTRE = "joint_centre", _("Joint centre")
    ENTERPRISE = "enterprise", _("Enterprise")


# The standard menu's structures (engine.menu.STANDARD_MENU) by key, as
# pages and term sheets name them; a structure of one's own is named by its
# key.
MENU_STRUCTURE_LABELS = {
    "all_upfront": _("All upfront"),
    "upfront_heavy": _("Upfront-heavy"),
    "balanced": _("Balanced"),
    "milestone_heavy": _("Milestone-heavy"),
    "royalty_heavy": _("Royalty-heavy"),
    "all_royalty": _("All royalties"),
}
# Why a structure of a menu cannot be built (engine.menu.INFEASIBLE_REASONS).
INFEASIBLE_STRUCTURE_REASONS = {
    "no_milestone_value": _("No milestone is ever paid: the project has no phase to pass."),
    "no_royalty_value": _("No royalty is ever earned: no sales fall in the royalty years."),
    "royalty_above_sales": _("The royalties would have to exceed the sales."),
}
