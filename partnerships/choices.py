from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    HOSPITAL = "hospital", _("Hospital")
    PUBLIC_LAB = "public_lab", _("Public laboratory")


class EnterpriseSize(models.TextChoices):
    STARTUP = "startup", _("Start-up")
    SME = "sme", _("Small or medium enterprise")
    LARGE = "large", _("Large enterprise")


class LicenseeSize(models.TextChoices):
    """The licensee's size when an agreement is signed, as the AUTM survey
    classifies it: small is fewer than 500 employees. Whether it is a
    start-up in the survey's sense (formed in the year to develop the
    licensed technology) follows from the enterprise's founding date and
    the agreement's ``licensee_formed_for_licence``."""

    STARTUP = "startup", _("Start-up")
    SMALL = "small", _("Small company (fewer than 500 employees)")
    LARGE = "large", _("Large company")


# The licensee size copied to an agreement when it is signed.
LICENSEE_SIZE_OF_ENTERPRISE = {
    EnterpriseSize.STARTUP: LicenseeSize.STARTUP,
    EnterpriseSize.SME: LicenseeSize.SMALL,
    EnterpriseSize.LARGE: LicenseeSize.LARGE,
}


class CooperationMode(models.TextChoices):
    """How an institution and an enterprise work together; analytics compare
    the modes (DESIGN §6)."""

    TRANSFER = "transfer", _("Technology transfer (licence or assignment)")
    CONTRACT_RD = "contract_rd", _("Contract R&D")
    CO_FOUNDED_COMPANY = "co_founded_company", _("Co-founded company")
    CO_BUILT_PLATFORM = "co_built_platform", _("Co-built platform")
    JOINT_CENTRE = "joint_centre", _("Enterprise-led joint centre")


class PartnershipStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("Negotiating")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class AgreementKind(models.TextChoices):
    """What a contract is, in the categories of technology-contract
    registration (技术合同认定登记) and of the annual reports that count
    them: China's transformation report by transfer, licence and equity
    contribution, then development, consulting and service; the AUTM
    survey by licence and option."""

    LICENCE = "licence", _("Licence")
    ASSIGNMENT = "assignment", _("Assignment")
    OPTION = "option", _("Option")
    EQUITY_CONTRIBUTION = "equity_contribution", _("Contribution for equity")
    RD_CONTRACT = "rd_contract", _("Technology development (R&D contract)")
    CONSULTING = "consulting", _("Technology consulting")
    SERVICE = "service", _("Technology service")
    SPONSORED_RESEARCH = "sponsored_research", _("Sponsored research")
    MTA = "mta", _("Material transfer agreement")
    NDA = "nda", _("Confidentiality agreement")
    SHAREHOLDERS = "shareholders", _("Shareholders' agreement")
    CENTRE_CHARTER = "centre_charter", _("Centre charter")


class Exclusivity(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive")
    SOLE = "sole", _("Sole")
    NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Party(models.TextChoices):
    """The two sides of an agreement. The research party is the
    partnership's institution or joint centre; it is the payee of milestones
    and royalties, and the enterprise is the payer."""

    RESEARCH = "research", _("Research party")
    ENTERPRISE = "enterprise", _("Enterprise")


class RoyaltyBasis(models.TextChoices):
    MARGINAL = "marginal", _("Marginal: each rate applies to the sales within its band")
    WHOLE = "whole", _("Whole amount: the rate reached applies to all sales")


class RoyaltyReporting(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly")
    SEMI_ANNUAL = "semi_annual", _("Half-yearly")
    ANNUAL = "annual", _("Annually")


class Renewal(models.TextChoices):
    """What happens when an agreement's term ends."""

    NONE = "none", _("No renewal: the agreement ends on expiry")
    BY_NOTICE = "by_notice", _("Renewed if notice is given before expiry")
    AUTOMATIC = "automatic", _("Renewed automatically unless notice is given before expiry")


class SunkCostBearer(models.TextChoices):
    RESEARCH = "research", _("Research party")
    ENTERPRISE = "enterprise", _("Enterprise")
    BY_COST_SHARES = "by_cost_shares", _("Each party by its cost share")


class MilestoneKind(models.TextChoices):
    SCIENTIFIC = "scientific", _("Scientific")
    TECHNICAL = "technical", _("Technical")
    REGULATORY = "regulatory", _("Regulatory")
    COMMERCIAL = "commercial", _("Commercial")
