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

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.field = field

    def __str__(self):
        return self.message


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
