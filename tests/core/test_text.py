"""What counts as blank text and how long text may be (``core.text``)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from core.errors import DomainError
from core.text import (
    LimitedTextField,
    is_blank,
    text_input,
    validate_not_blank,
    visible_text,
)
from projects.models import Milestone


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "   \t\n",
        "\u00a0",  # no-break space
        "\u200b",  # zero-width space
        "\u200c\u200d",  # zero-width non-joiner and joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte-order mark
        "\u00ad",  # soft hyphen
        "\u200e\u202e",  # direction marks
        " \u200b \ufeff ",
    ],
)
def test_text_of_whitespace_and_format_characters_is_blank(text):
    assert is_blank(text)
    with pytest.raises(ValidationError):
        validate_not_blank(text or "")


@pytest.mark.parametrize("text", ["a", "。", "0", "\u200bx\u200b", "👩\u200d🔬"])
def test_text_with_anything_visible_is_not_blank(text):
    assert not is_blank(text)
    validate_not_blank(text)


def test_visible_text_trims_the_invisible_ends_and_keeps_the_middle():
    assert visible_text("\ufeff  Mouse\u200bmodel \u200b\n") == "Mouse\u200bmodel"


def test_text_input_names_the_field_the_user_filled_in():
    with pytest.raises(DomainError) as refused:
        text_input(
            "\u200b",
            model=Milestone,
            field="dispute_reason",
            name="reason",
            required="Say why.",
        )

    assert (refused.value.code, refused.value.field, refused.value.message) == (
        "reason_required",
        "reason",
        "Say why.",
    )


def test_text_input_refuses_text_over_the_field_s_limit_and_accepts_it_at_the_limit():
    limit = Milestone._meta.get_field("dispute_reason").max_length

    assert text_input("x" * limit, model=Milestone, field="dispute_reason") == "x" * limit
    with pytest.raises(DomainError) as refused:
        text_input("x" * (limit + 1), model=Milestone, field="dispute_reason")
    assert (refused.value.code, refused.value.field) == ("too_long", "dispute_reason")


def test_optional_blank_text_is_stored_empty():
    assert text_input(" \u200b ", model=Milestone, field="claim_note") == ""


def test_a_limited_text_field_holds_its_limit_in_full_clean():
    field = LimitedTextField(max_length=10)
    field.set_attributes_from_name("note")

    assert field.clean("x" * 10, None) == "x" * 10
    with pytest.raises(ValidationError):
        field.clean("x" * 11, None)
    with pytest.raises(ValidationError):
        field.clean("\u200b", None)


# Text the system writes, not a person: an engine's error, a notice composed
# from templates, the excerpt of a webhook receiver's answer (cut to size
# when stored).
WRITTEN_BY_THE_SYSTEM = {
    "valuations.Valuation.error",
    "valuations.PortfolioRun.error",
    "notifications.Notification.body",
    "webhooks.WebhookDelivery.response_excerpt",
}


def test_every_text_a_person_writes_has_a_limit():
    """A new free-text field is a ``LimitedTextField``, so the services, the
    forms and the API refuse overlong text alike."""
    unlimited = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        # The project's own apps, not Django's or a library's.
        if "site-packages" not in model._meta.app_config.path
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and not isinstance(field, LimitedTextField)
    }

    assert unlimited == WRITTEN_BY_THE_SYSTEM
