import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError


def validate_uscc(value: str) -> None:
    """Check a Unified Social Credit Code (统一社会信用代码): its format and
    its two check characters (GB 32100-2015)."""
    try:
        uscc.validate(value)
    except StdnumValidationError as error:
        raise ValidationError(
            _("%(value)s is not a valid Unified Social Credit Code: %(reason)s"),
            code="invalid_uscc",
            params={"value": value, "reason": error.message},
        ) from error


def normalize_uscc(value: str) -> str:
    """The compact form: no spaces or hyphens, capital letters."""
    return uscc.compact(value) if value else ""


BANK_ACCOUNT_DIGITS = re.compile(r"^[0-9]{6,34}$")


def normalize_bank_account(value: str) -> str:
    """The digits of an account number typed in groups: spaces (also
    full-width ones) and hyphens between the groups are dropped."""
    return re.sub(r"[\s\u3000-]", "", value) if value else ""


def validate_bank_account(value: str) -> None:
    """An account number of a bank in mainland China: 6 to 34 digits
    (spaces between groups are allowed when typing and dropped)."""
    if not BANK_ACCOUNT_DIGITS.fullmatch(normalize_bank_account(value)):
        raise ValidationError(
            _("An account number is 6 to 34 digits, optionally in groups separated by spaces."),
            code="invalid_bank_account",
        )


registration_number_validator = RegexValidator(
    r"^\d{16}$",
    _("A technology-contract registration number is 16 digits."),
    code="invalid_registration_number",
)
