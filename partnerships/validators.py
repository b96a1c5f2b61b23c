from django.core.exceptions import ValidationError
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
