from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers

from core.money import DECIMAL_PLACES, MAX_AMOUNT, MAX_DIGITS, MoneyField, amount_error_messages


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object chosen by id among those the requesting user may
    see (``selector(user)``): another partner's object is refused exactly
    like a missing one."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        # Ids are integers; saying so also lets the schema generator type the
        # field without a queryset.
        kwargs.setdefault("pk_field", serializers.IntegerField())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.selector(getattr(request, "user", None) or AnonymousUser())


class AmountField(serializers.DecimalField):
    """An amount of money in the API: up to ``MAX_AMOUNT``, two decimal
    places, and the same words for bad input as the forms."""

    default_error_messages = amount_error_messages()

    def __init__(self, **kwargs):
        kwargs["max_digits"] = MAX_DIGITS
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        if not kwargs.get("read_only"):
            kwargs.setdefault("max_value", MAX_AMOUNT)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # Check the size before DRF counts digits or rounds: "1e308" is a
        # number, only far too large.
        try:
            value = Decimal(str(data).strip())
        except (InvalidOperation, ValueError):
            self.fail("invalid")
        if value.is_finite() and abs(value) > MAX_AMOUNT:
            self.fail("max_value", max_value=MAX_AMOUNT)
        return super().to_internal_value(data)


# Every model serializer gives a money column this field.
serializers.ModelSerializer.serializer_field_mapping[MoneyField] = AmountField
