"""A notice's words, written in each reader's language.

A handler that tells people something does not know which language each of
them reads: the person whose action raised the notice may work in Chinese
while the partner told of it reads English, and the nightly reminders have
no language at all. So the handler hands ``notify`` a ``NoticeText``, the
translatable template and its values, and ``notify`` renders it once per
recipient inside that recipient's language. Templates are ``gettext_lazy``
strings, so ``makemessages`` still finds them; lazy values (choice labels
like ``MilestoneStatus(value).label``, ``gettext_lazy`` fragments, other
``NoticeText``) are rendered in the reader's language too. Anything else
(codes, names, amounts, dates) is interpolated as it is.
"""

from django.utils.functional import Promise, lazy


class NoticeText:
    """A translatable template and its named values, rendered on demand in
    the active language: ``str(text)``."""

    def __init__(self, template, /, **values):
        self.template = template
        self.values = values

    def __str__(self) -> str:
        template = str(self.template)
        if not self.values:
            return template
        return template % {name: _rendered(value) for name, value in self.values.items()}

    def __repr__(self) -> str:
        return f"NoticeText({self.template!r}, **{self.values!r})"


def _rendered(value):
    if isinstance(value, NoticeText | Promise):
        return str(value)
    return value


def _lowercase(text) -> str:
    return str(text).lower()


# A label in lower case, mid-sentence ("now claimed"), in the reader's
# language: lowering it at once would fix the language of the one who acts.
lowercase = lazy(_lowercase, str)


def choice_label(instance, field_name: str):
    """The label of a model field's choice, like ``get_<field>_display()``
    but rendered in the reader's language when the notice is written."""
    value = getattr(instance, field_name)
    return dict(instance._meta.get_field(field_name).flatchoices).get(value, value)
