"""Free text that people write: how long it may be, and when it says nothing.

A limit is declared once, as the ``max_length`` of the model field that
stores the text. Forms and serializers read it from there (``max_length_of``)
and so do the services (``text_input``), so the staff UI, the portal, the API
and an import refuse the same text with the same words.

Text counts as blank when nothing visible is left after removing whitespace
and Unicode format characters (category ``Cf``: zero-width space and joiners,
the byte-order mark, the word joiner, the soft hyphen, direction marks…): a
dispute "explained" by a zero-width space explains nothing, and a name made
of one cannot be told apart from no name.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError

# A rationale, a reason, a note or a comment: a few paragraphs.
NOTE_MAX_LENGTH = 5_000
# A description of a project, a partnership or a field of use: a few pages.
DESCRIPTION_MAX_LENGTH = 20_000


def _invisible(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) == "Cf"


def visible_text(value: str | None) -> str:
    """The text without the whitespace and format characters at its ends;
    empty when nothing visible is left."""
    value = value or ""
    start, end = 0, len(value)
    while start < end and _invisible(value[start]):
        start += 1
    while end > start and _invisible(value[end - 1]):
        end -= 1
    return value[start:end]


def is_blank(value: str | None) -> bool:
    """Whether the text shows nothing: empty, spaces or invisible characters."""
    return not visible_text(value)


def validate_not_blank(value: str) -> None:
    """A field validator for text that is required: Django's own ``blank``
    check lets a zero-width space through."""
    if is_blank(value):
        raise ValidationError(
            gettext_lazy("Write something visible: spaces and invisible characters say nothing."),
            code="blank",
        )


def max_length_of(model: type[models.Model], field: str) -> int:
    """The limit of a stored text, for a form or a serializer that takes the
    text without being bound to the model."""
    return model._meta.get_field(field).max_length


def text_input(
    value: str | None,
    *,
    model: type[models.Model],
    field: str,
    required: str | None = None,
    error_class: type[DomainError] = DomainError,
    name: str | None = None,
) -> str:
    """The text to store in ``model.field``, trimmed of invisible ends.

    ``required`` is the message that refuses blank text (code
    ``<name>_required``); without it blank text is stored as "". Text longer
    than the field's ``max_length`` is refused (code ``too_long``). ``name``
    is the input's name when it differs from the field's (``reason`` for
    ``dispute_reason``): errors name the field the user filled in."""
    name = name or field
    text = visible_text(value)
    if not text:
        if required:
            raise error_class(required, code=f"{name}_required", field=name)
        return ""
    limit = max_length_of(model, field)
    if limit is not None and len(text) > limit:
        raise error_class(
            _("At most %(limit)s characters (this text has %(length)s).")
            % {"limit": limit, "length": len(text)},
            code="too_long",
            field=name,
        )
    return text


class LimitedTextField(models.TextField):
    """A ``TextField`` whose ``max_length`` holds in ``full_clean`` as well
    (Django gives a text field's limit to forms only) and which, unless
    ``blank``, refuses text that shows nothing."""

    def __init__(self, *args, max_length: int = NOTE_MAX_LENGTH, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(self.max_length))
        if not self.blank:
            self.validators.append(validate_not_blank)


def digit_groups(value: str | None, size: int = 4) -> str:
    """A long number (a bank account) in groups of four digits, as a bank
    card prints it, so people can read it out and compare it."""
    value = value or ""
    return " ".join(value[start : start + size] for start in range(0, len(value), size))
