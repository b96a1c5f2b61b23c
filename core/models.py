from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.money import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, Currency


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The first response to a money-moving request sent with an
    ``Idempotency-Key``, so that a retry replays it instead of paying twice.
    Keys are per user."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", _("In flight")
        COMPLETED = "completed", _("Completed")

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="idempotency_key_unique_per_user",
                violation_error_message=_("This key was used already."),
            ),
        ]

    def __str__(self):
        return self.key


class ExchangeRate(models.Model):
    """What one currency is worth in another on a day, as published (the
    central parity of the People's Bank of China, or a rate staff enter).

    The rate is the amount of ``quote_currency`` for ``unit`` units of
    ``currency``, exactly as quoted: ``100 JPY = 4.6523 CNY`` is stored with
    unit 100, ``1 CNY = 189.87 KRW`` as CNY quoted in KRW. One rate per pair
    and day; importing the same day again updates it."""

    class Unit(models.IntegerChoices):
        ONE = 1, _("per 1 unit")
        HUNDRED = 100, _("per 100 units")

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    quote_currency = models.CharField(
        _("quoted in"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    valid_on = models.DateField(_("date"))
    unit = models.PositiveSmallIntegerField(_("quoted per"), choices=Unit.choices, default=1)
    rate = models.DecimalField(
        _("rate"),
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        help_text=_("Units of the quote currency for the quoted number of units."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-valid_on", "currency", "quote_currency"]
        indexes = [models.Index(fields=["currency", "quote_currency", "-valid_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "quote_currency", "valid_on"],
                name="exchange_rate_one_per_pair_and_day",
                violation_error_message=_("There is a rate for this pair on this day already."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_("A rate is a positive number."),
            ),
            models.CheckConstraint(
                condition=~Q(currency=F("quote_currency")),
                name="exchange_rate_two_currencies",
                violation_error_message=_("A rate is between two different currencies."),
            ),
            models.CheckConstraint(
                condition=Q(unit__in=[1, 100]),
                name="exchange_rate_unit_1_or_100",
                violation_error_message=_("A rate is quoted per 1 or per 100 units."),
            ),
        ]

    def __str__(self):
        return self.quotation

    @property
    def quotation(self) -> str:
        """The rate as published: ``1 USD = 7.1 CNY``, ``100 JPY = 4.6523 CNY``."""
        rate = format(self.rate.normalize(), "f") if self.rate is not None else "?"
        return f"{self.unit} {self.currency} = {rate} {self.quote_currency}"

    @property
    def per_unit(self):
        """Units of the quote currency for one unit of the currency."""
        return self.rate / self.unit
