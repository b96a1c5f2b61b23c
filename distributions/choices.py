from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PolicyPreset(models.TextChoices):
    """Where a policy's shares come from; docs/income-distribution.md cites
    the source of each preset."""

    CUSTOM = "custom", _("The institution's own policy")
    CHINA_STATUTORY = "china_statutory", _("China's statutory default (Art. 45)")
    PROVINCIAL_70 = "provincial_70", _("Provincial policy: 70 % to the inventors")
    US_TWO_TIERS = "us_two_tiers", _("Two tiers: 50 % of the first 100,000, 25 % above")


class RunState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class RecipientKind(models.TextChoices):
    INVENTOR = "inventor", pgettext_lazy("reward", "Inventor")
    DEPARTMENT = "department", _("Department or lab")
    INSTITUTION = "institution", _("Institution")
    OFFICE = "office", _("Technology-transfer office")
    CO_OWNER = "co_owner", _("Co-owner")


class RewardSource(models.TextChoices):
    """What a line shares: net income from a transfer or licence, equity
    received for a contribution, or the operating profit of an achievement
    the institution exploits itself."""

    NET_INCOME = "net_income", _("Net income from transfer or licence")
    EQUITY = "equity", _("Equity received for a contribution")
    OPERATING_PROFIT = "operating_profit", _("Operating profit of own exploitation")


class RewardForm(models.TextChoices):
    CASH = "cash", _("Cash")
    EQUITY = "equity", _("Equity")


class LineState(models.TextChoices):
    PENDING = "pending", _("To pay")
    PAID = "paid", _("Paid")
    GRANTED = "granted", pgettext_lazy("equity reward", "Granted")


class TaxTreatment(models.TextChoices):
    """How a reward to a person is taxed in China (财税〔2018〕58号 for cash
    rewards from transformation, 财税〔2016〕101号 for equity rewards)."""

    NONE = "none", _("Not a reward to a person")
    CASH_HALF_REDUCTION = "cash_half", _("Cash reward: half of it counted as income")
    CASH_ORDINARY = "cash_ordinary", _("Cash reward: ordinary tax (no registration or notice)")
    EQUITY_DEFERRED = "equity_deferred", _("Equity reward: tax deferred until sale")
