"""Domain errors: a refused business action, with a stable code.

The API renders them as 400 or 409 with the code, the UI as a form error or a
message. Guards return a ``Guard`` so an interface can show why a button is
disabled before anyone presses it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused the action. ``code`` is stable for clients."""

    code = "refused"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict | None = None,
    ):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.field = field
        # Figures that explain the refusal to a program (a reachable range),
        # beside the message that explains it to a person.
        self.details = details

    def __str__(self):
        return self.message

    @property
    def fields(self) -> dict[str, list[str]] | None:
        """The messages per field at fault (a dotted path such as
        ``phases.1.years``), or None when no field is."""
        return {self.field: [self.message]} if self.field else None


class InvalidInput(DomainError):
    """Inputs refused field by field, every bad field at once: ``fields``
    maps each dotted path to its messages, ``code`` is the first fault's."""

    code = "invalid"

    def __init__(self, fields: dict[str, list[str]], *, code: str | None = None):
        super().__init__(_("The request has errors; see the fields."), code=code)
        self._fields = {
            path: [str(message) for message in messages] for path, messages in fields.items()
        }

    @property
    def fields(self) -> dict[str, list[str]]:
        return self._fields

    @classmethod
    def from_detail(cls, detail, *, code: str | None = None):
        """The error of nested validation details such as
        ``{"phases": [{}, {"years": ["…"]}]}`` (messages that carry their own
        ``code``, as a validation library gives them)."""
        return cls(field_errors(detail), code=code or first_code(detail, cls.code))

    def under(self, prefix: str):
        """The same error with every field path inside ``prefix``, for an
        input that is itself a part of a larger request."""
        return type(self)(
            {f"{prefix}.{path}": messages for path, messages in self._fields.items()},
            code=self.code,
        )


def field_errors(detail) -> dict[str, list[str]]:
    """Nested error details as {field: [messages]} (nested fields joined with
    dots, list items with their index; errors of no field under
    ``non_field_errors``)."""
    fields: dict[str, list[str]] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list) and value and not isinstance(value[0], str):
            for index, item in enumerate(value):
                if item:
                    walk(f"{prefix}.{index}" if prefix else str(index), item)
        else:
            messages = value if isinstance(value, list) else [value]
            fields.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)

    walk("", detail)
    return fields


def first_code(detail, default: str) -> str:
    """The code of the first message in nested error details."""
    if isinstance(detail, str):
        return getattr(detail, "code", None) or default
    if isinstance(detail, dict):
        for value in detail.values():
            return first_code(value, default)
    if isinstance(detail, list) and detail:
        return first_code(detail[0], default)
    return default


class TransitionNotAllowed(DomainError):
    """The object's state or the user's role does not allow the transition."""

    code = "transition_not_allowed"


class PermissionDenied(DomainError):
    code = "permission_denied"


@dataclass(frozen=True)
class Guard:
    """Whether an action is allowed now, and if not, why, in words a user
    understands."""

    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self):
        return self.allowed

    def __iter__(self):
        # Unpacks as (allowed, reason).
        yield self.allowed
        yield self.reason

    def raise_if_denied(self, error_class: type[DomainError] = TransitionNotAllowed) -> None:
        if not self.allowed:
            raise error_class(self.reason, code=self.code or None)


ALLOWED = Guard(True)


def denied(reason, code: str) -> Guard:
    return Guard(False, str(reason), code)


def status_transition_guard(transitions: dict, current, target, noun: str) -> Guard:
    """Whether a status may follow another in a lifecycle map such as
    ``{CLAIMED: {VERIFIED, DISPUTED}, …}``. ``current`` and ``target`` are
    members of the status choices; ``noun`` names the object in the reason."""
    if target in transitions[current]:
        return ALLOWED
    return denied(
        _("The %(noun)s is %(status)s and cannot become %(target)s.")
        % {"status": current.label.lower(), "noun": noun, "target": target.label.lower()},
        "invalid_transition",
    )
