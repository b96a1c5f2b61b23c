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
