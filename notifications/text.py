"""A notice's words, written in each reader's language.

A handler that tells people something does not know which language each of
them reads: the person whose action raised the notice may work in Chinese
while the partner told of it reads English, and the nightly reminders have
no language at all. So the handler hands ``notify`` a ``NoticeText``, the
translatable template and its values, and ``notify`` renders it once per
recipient inside that recipient's language. Templates are ``gettext_lazy``
strings, so ``makemessages`` still finds them; lazy values (choice labels
like ``MilestoneStatus(value).label``, ``gettext_lazy`` fragments, other
``NoticeText``) are rendered in the reader's language too. Amounts
(``Money``), dates and bilingual names (``Localized``) are formatted in
the reader's language too; anything else (codes, people's names) is
interpolated as it is.
"""

from core.i18n import Localized, Lowercase, Message, Money

__all__ = ["Localized", "Lowercase", "Money", "NoticeText", "choice_label", "lowercase"]

# A notice's words are a ``core.i18n.Message``: kept with the notice, so the
# page shows them in the reader's current language, and rendered in the
# recipient's language for the email.
NoticeText = Message

# A label in lower case, mid-sentence ("now claimed"), in the reader's
# language: lowering it at once would fix the language of the one who acts.
lowercase = Lowercase


def choice_label(instance, field_name: str):
    """The label of a model field's choice, like ``get_<field>_display()``
    but rendered in the reader's language when the notice is written."""
    value = getattr(instance, field_name)
    return dict(instance._meta.get_field(field_name).flatchoices).get(value, value)
