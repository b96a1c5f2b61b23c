from django.db import models
from django.utils.translation import gettext_lazy as _


class AchievementKind(models.TextChoices):
    """The kinds of scientific achievement (科技成果) a tech-transfer office
    protects and transfers."""

    INVENTION = "invention", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design")
    SOFTWARE_COPYRIGHT = "software_copyright", _("Software copyright")
    PLANT_VARIETY = "plant_variety", _("New plant variety")
    IC_LAYOUT = "ic_layout", _("Integrated-circuit layout design")
    BIOLOGICAL_MATERIAL = "biological_material", _("Biological material")
    KNOW_HOW = "know_how", _("Know-how")
    REGULATORY_CERTIFICATE = "regulatory_certificate", _("New drug or medical device certificate")
    OTHER = "other", _("Other")


class FundingSource(models.TextChoices):
    GOVERNMENT = "government", _("Government-funded")
    INDUSTRY = "industry", _("Industry-funded")
    OWN = "own", _("Own funds")
    MIXED = "mixed", _("Mixed funding")


class AchievementStatus(models.TextChoices):
    """Disclosed, assessed, then one decision: protect it, publish it,
    release it to the inventors, or abandon it."""

    DISCLOSED = "disclosed", _("Disclosed")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    PROTECT = "protect", _("Protect")
    PUBLISH = "publish", _("Publish")
    RELEASED = "released", _("Released to the inventors")
    ABANDONED = "abandoned", _("Abandoned")


DECISIONS = frozenset(
    {
        AchievementStatus.PROTECT,
        AchievementStatus.PUBLISH,
        AchievementStatus.RELEASED,
        AchievementStatus.ABANDONED,
    }
)


class TransferMode(models.TextChoices):
    """How an agreement transfers an achievement."""

    LICENCE = "licence", _("Licence")
    ASSIGNMENT = "assignment", _("Assignment")
    EQUITY_CONTRIBUTION = "equity_contribution", _("Contribution for equity")


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    CONVERTED = "converted", _("Accepted as an achievement")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Jurisdiction(models.TextChoices):
    CN = "CN", _("China (CNIPA)")
    US = "US", _("United States (USPTO)")
    EP = "EP", _("Europe (EPO)")
    PCT = "PCT", _("International (PCT)")
    JP = "JP", _("Japan (JPO)")
    KR = "KR", _("Korea (KIPO)")
    OTHER = "other", _("Other")


class ApplicationKind(models.TextChoices):
    INVENTION = "invention", _("Invention")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design")
    PROVISIONAL = "provisional", _("Provisional")
    PCT_INTERNATIONAL = "pct_international", _("PCT international")
    NATIONAL_PHASE = "national_phase", _("National phase")
    REGIONAL_PHASE = "regional_phase", _("Regional phase")
    CONTINUATION = "continuation", _("Continuation")
    DIVISIONAL = "divisional", _("Divisional")


# Applications that enter from a PCT application, and those that continue
# an earlier application of the same office.
PHASE_KINDS = frozenset({ApplicationKind.NATIONAL_PHASE, ApplicationKind.REGIONAL_PHASE})
CHILD_KINDS = frozenset({ApplicationKind.CONTINUATION, ApplicationKind.DIVISIONAL})


class ApplicationStatus(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    FILED = "filed", _("Filed")
    PUBLISHED = "published", _("Published")
    EXAMINATION = "examination", _("In examination")
    OFFICE_ACTION = "office_action", _("Office action")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    ABANDONED = "abandoned", _("Abandoned")
    LAPSED = "lapsed", _("Lapsed")
    EXPIRED = "expired", _("Expired")


# An application in one of these is no longer alive: its open deadlines go.
DEAD_STATUSES = frozenset(
    {
        ApplicationStatus.REFUSED,
        ApplicationStatus.ABANDONED,
        ApplicationStatus.LAPSED,
        ApplicationStatus.EXPIRED,
    }
)


class DeadlineKind(models.TextChoices):
    PCT_FILING = "pct_filing", _("PCT filing")
    NATIONAL_PHASE = "national_phase", _("National phase entry")
    REGIONAL_PHASE = "regional_phase", _("Regional phase entry (EP)")
    OFFICE_ACTION = "office_action", _("Office-action response")
    ANNUITY = "annuity", _("Annuity")
    MAINTENANCE_FEE = "maintenance_fee", _("Maintenance fee")
    EXPIRY = "expiry", _("Expiry")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    WAIVED = "waived", _("Waived")


class IpCostKind(models.TextChoices):
    """What an achievement's money went on. Income distribution deducts the
    kinds its policy names."""

    OFFICIAL_FEE = "official_fee", _("Official fee")
    COUNSEL = "counsel", _("Patent counsel")
    EVALUATION = "evaluation", _("Evaluation")
    AGENCY = "agency", _("Agency or brokerage")
    LEGAL = "legal", _("Legal")
    OTHER = "other", _("Other")


class CounselKind(models.TextChoices):
    FIRM = "firm", _("Firm")
    PERSON = "person", _("Patent attorney")
