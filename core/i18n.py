"""Words written now and read later, in the reader's language.

A timeline entry or a notice is written once, by whoever acts, and read
for years by people who work in English or in Chinese. So a sentence is kept
as a ``Message``: the translatable template (a ``gettext_lazy`` string, so
``makemessages`` finds it) and its values, rendered in the active language
whenever it is shown — ``str(message)``. ``to_json`` stores it; ``from_json``
brings it back, for a page, the portal or an email in another language.

Values keep what their rendering needs:

- ``gettext_lazy`` strings and choice labels are translated when shown;
- ``Money(amount, currency)`` is grouped and rounded the reader's way
  (3,000,000.00 CNY; with ``code=False`` the figure alone);
- dates read as the reader's date format (19 Nov 2020, 2020年11月19日);
- ``Localized(obj)`` is a bilingual name (a stage, an enterprise): its
  Chinese variant for a Chinese reader;
- ``Lowercase(label)`` is a label mid-sentence ("now claimed");
- ``Listing(values)`` joins values with the reader's punctuation, and
  ``field_names(Model, names)`` lists fields by their labels.

Anything else (codes, people's names, text people typed) is shown as it is.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext

from core.money import format_amount, format_money


def is_chinese(language: str | None = None) -> bool:
    return (language or get_language() or "").startswith("zh")


def localized_name(obj, field: str = "name") -> str:
    """The Chinese variant of a bilingual field (``name_zh``) when the
    active language is Chinese and the variant is filled in, else the
    English one."""
    if obj is None:
        return ""
    if is_chinese():
        chinese = getattr(obj, f"{field}_zh", "")
        if chinese:
            return chinese
    return getattr(obj, field, "") or ""


def display_date(value) -> str:
    """A date as people read it in the active language: ``19 Nov 2020``,
    ``2020年11月19日``. Machine-readable places use ISO instead."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "SHORT_DATETIME_FORMAT")
    return date_format(value, "SHORT_DATE_FORMAT")


class Money:
    """An amount and its currency, formatted when shown: ``3,000,000.00
    CNY``; with ``code=False`` the figure alone, for templates that place
    the currency themselves (``%(amount)s %(currency)s``)."""

    def __init__(self, amount, currency: str, *, code: bool = True):
        self.amount = amount
        self.currency = currency
        self.code = code

    def __str__(self) -> str:
        if self.code:
            return format_money(self.amount, self.currency)
        return format_amount(self.amount, self.currency)


class Localized:
    """A bilingual name, taken as it is now and shown in the reader's
    language."""

    def __init__(self, obj, field: str = "name", *, english: str = "", chinese: str = ""):
        self.english = english or (getattr(obj, field, "") or "")
        self.chinese = chinese or (getattr(obj, f"{field}_zh", "") or "")

    def __str__(self) -> str:
        return self.chinese if is_chinese() and self.chinese else self.english


class Listing:
    """Several values as one list, in the reader's punctuation: ``title,
    status`` or ``标题、状态``."""

    def __init__(self, values):
        self.values = list(values)

    def __str__(self) -> str:
        separator = "、" if is_chinese() else ", "
        return separator.join(str(_rendered(value)) for value in self.values)


def field_names(model, names) -> Listing:
    """The labels of a model's fields, for "… changed: %(fields)s"."""
    labels = []
    for name in sorted(names):
        try:
            labels.append(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            labels.append(name)
    return Listing(labels)


class Lowercase:
    """A label in lower case, mid-sentence, in the reader's language."""

    def __init__(self, value):
        self.value = value

    def __str__(self) -> str:
        return _rendered(self.value).lower()


class Message:
    """A translatable template and its named values, rendered on demand in
    the active language: ``str(message)``."""

    def __init__(self, template, /, **values):
        self.template = template
        self.values = values

    def __str__(self) -> str:
        template = gettext(self.template) if isinstance(self.template, str) else str(self.template)
        if not self.values:
            return template
        return template % {name: _rendered(value) for name, value in self.values.items()}

    def __repr__(self) -> str:
        return f"Message({self.template!r}, **{self.values!r})"

    def to_json(self) -> dict:
        return {
            "text": _msgid(self.template),
            "values": {name: _encoded(value) for name, value in self.values.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> "Message":
        values = {name: _decoded(value) for name, value in data.get("values", {}).items()}
        return cls(data["text"], **values)


def render_stored(message: dict, fallback: str = "") -> str:
    """A stored message in the active language; when there is none (a
    record written before messages were kept) or it cannot be read, the
    text stored beside it."""
    if not message:
        return fallback
    try:
        return str(Message.from_json(message))
    except (KeyError, TypeError, ValueError):
        return fallback


def _rendered(value):
    if isinstance(
        value, Message | Money | Localized | Lowercase | Listing | _Translated | Promise
    ):
        return str(value)
    if isinstance(value, datetime | date):
        return display_date(value)
    if isinstance(value, Decimal):
        return number_format(value, use_l10n=True, force_grouping=True)
    return value


def _msgid(template) -> str:
    """The English source of a translatable string: what the catalogue
    knows it by."""
    if isinstance(template, Promise):
        with translation.override(None):
            return str(template)
    return str(template)


def _encoded(value):
    if isinstance(value, Message):
        return {"message": value.to_json()}
    if isinstance(value, Money):
        return {"money": [str(value.amount), value.currency, value.code]}
    if isinstance(value, Localized):
        return {"names": [value.english, value.chinese]}
    if isinstance(value, Lowercase):
        return {"lower": _encoded(value.value)}
    if isinstance(value, Listing):
        return {"list": [_encoded(item) for item in value.values]}
    if isinstance(value, Promise):
        return {"msgid": _msgid(value)}
    if isinstance(value, _Translated):
        return {"msgid": value.msgid}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _decoded(value):
    if not isinstance(value, dict):
        return value
    if "message" in value:
        return Message.from_json(value["message"])
    if "money" in value:
        amount, currency, *code = value["money"]
        return Money(Decimal(amount), currency, code=bool(code[0]) if code else True)
    if "names" in value:
        english, chinese = value["names"]
        return Localized(None, english=english, chinese=chinese)
    if "list" in value:
        return Listing(_decoded(item) for item in value["list"])
    if "lower" in value:
        return Lowercase(_decoded(value["lower"]))
    if "msgid" in value:
        return _Translated(value["msgid"])
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return date.fromisoformat(value["date"])
    if "decimal" in value:
        return Decimal(value["decimal"])
    return value


class _Translated:
    """A stored msgid, translated when shown."""

    def __init__(self, msgid: str):
        self.msgid = msgid

    def __str__(self) -> str:
        return gettext(self.msgid)
