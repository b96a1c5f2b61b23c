from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import (
    normalize_bank_account,
    normalize_uscc,
    validate_bank_account,
    validate_uscc,
)


class UnifiedSocialCreditCodeField(models.CharField):
    """A Unified Social Credit Code, stored compact (18 characters) and
    checked on validation; people may type it with spaces or hyphens."""

    default_validators = [validate_uscc]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("verbose_name", _("Unified Social Credit Code"))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_uscc(value) if value else value


class BankAccountNumberField(models.CharField):
    """A bank account number, stored as its digits; people may type it in
    groups separated by spaces, as it is printed on a bank card."""

    default_validators = [validate_bank_account]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 34)
        kwargs.setdefault("verbose_name", _("account number"))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_bank_account(value) if value else value
