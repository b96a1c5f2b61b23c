"""Staff give a person of an institution a researcher's sign-in: the same
one-time link an enterprise's partner admin gets (``accounts.services``).
The buttons are on the people of the institution's page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import may_invite_researchers
from accounts.services import researcher_invitation_resend, researcher_invite
from core.errors import DomainError

from .selectors import people_visible_to


def _person(request, pk):
    # A partner sees some people, but gives nobody a sign-in: for them, as
    # for a missing person, the answer is 404.
    people = people_visible_to(request.user)
    if not may_invite_researchers(request.user):
        people = people.none()
    return get_object_or_404(people.select_related("user"), pk=pk)


@login_required
@require_POST
def person_researcher_invite(request, pk):
    """Invite the person as a researcher: they choose a password through
    the emailed link, then disclose and follow their achievements."""
    person = _person(request, pk)
    try:
        if person.user_id is not None and person.user.is_invitation_pending:
            researcher_invitation_resend(by=request.user, user=person.user)
            messages.success(
                request,
                _("A new invitation was sent to %(email)s; the earlier link no longer works.")
                % {"email": person.user.email},
            )
        else:
            invitee = researcher_invite(by=request.user, person=person)
            messages.success(
                request,
                _(
                    "Invitation sent to %(email)s: %(name)s signs in as a researcher. "
                    "The link works once, for %(days)s days."
                )
                % {
                    "email": invitee.email,
                    "name": person.full_name,
                    "days": settings.INVITATION_TIMEOUT_DAYS,
                },
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(person.organisation)
