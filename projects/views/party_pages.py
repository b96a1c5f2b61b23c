"""Staff UI pages of one institution, enterprise, joint centre, partnership
or agreement: who it is, what it is party to, and where its money stands.

The parties and agreements are partnerships'; the projects, milestones,
royalty reports and costs on their pages are projects', so the pages are
served from here, above both (docs/architecture.md). Their addresses stay
under ``partners:`` and ``agreements:``: ``config/urls.py`` mounts them
beside partnerships' lists and forms.

Each page reads through the scoping selectors, so an object the user may not
see answers 404 like a missing one, and the partnerships, projects and money
of other institutions stay off the page. Money is summed by the database;
lists are capped or fetched with their relations, so a page takes the same
number of queries whatever the rows behind it.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import may_invite_enterprise_users
from accounts.services import enterprise_admin_invite
from accounts.services import enterprise_invitation_resend as enterprise_invitation_resend_service
from core.errors import DomainError
from core.templatetags.biobridge import localized
from partnerships.computations.term import agreement_term_position
from partnerships.selectors import (
    agreement_terms_for,
    agreements_visible_to,
    centre_funding_for,
    centre_parties_visible_to,
    enterprise_accounts_for,
    enterprises_visible_to,
    institution_partnerships_for,
    institutions_visible_to,
    joint_centres_visible_to,
    partnerships_visible_to,
    people_visible_to,
)
from partnerships.terms_display import agreement_terms_context, term_left
from projects.forms import EnterpriseInviteForm
from projects.selectors import (
    agreement_cost_ledger,
    agreement_milestones_for,
    agreement_royalty_reports_for,
    ledger_converted,
    milestones_owed_for,
    money_position_converted,
    money_position_for,
    project_list_for,
)
from projects.views.fixed_payments import fixed_payments_context

# Projects and owed milestones shown on a page; the rest are a link away.
PROJECTS_SHOWN = 25
MILESTONES_OWED_SHOWN = 10


def _url(name, query: dict | None = None) -> str:
    """The address of a route with a query, or "" while the route does not
    exist (the forms that add people are built separately)."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def _capped(queryset, limit):
    """The first ``limit`` rows and whether there are more, in one query."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def _projects(request, where: Q):
    """The first visible projects matching ``where``, by code."""
    projects = project_list_for(request.user).filter(where).distinct().order_by("code", "id")
    rows, more = _capped(projects, PROJECTS_SHOWN)
    return {"projects": rows, "more_projects": more, "projects_shown": PROJECTS_SHOWN}


def _money(request, **party):
    today = timezone.localdate()
    owed, more = _capped(milestones_owed_for(request.user, **party), MILESTONES_OWED_SHOWN)
    money = money_position_for(request.user, today=today, **party)
    return {
        "today": today,
        "money": money,
        "money_converted": money_position_converted(money, on=today),
        "milestones_owed": owed,
        "more_milestones_owed": more,
    }


# --- Institutions and enterprises ------------------------------------------------


@login_required
@require_GET
def institution_detail(request, code):
    """An institution: its facts and people, its partnerships and the joint
    centres it hosts, the projects it leads or takes part in, and the money
    owed to it and received."""
    institution = get_object_or_404(institutions_visible_to(request.user), code=code)
    context = {
        "institution": institution,
        "people": people_visible_to(request.user).filter(institution=institution),
        "partnerships": institution_partnerships_for(request.user, institution).order_by(
            "-started_on", "code"
        ),
        "centre_parties": centre_parties_visible_to(request.user)
        .filter(institution=institution)
        .select_related("centre"),
        **_projects(
            request, Q(lead_institution=institution) | Q(partnership__institution=institution)
        ),
        **_money(request, institution=institution),
        "projects_url": _url("projects:list", {"lead_institution": institution.pk}),
        "add_person_url": _url("partners:person_create", {"institution": institution.code}),
    }
    return render(request, "partnerships/institution_detail.html", context)


def _enterprise_page(request, enterprise, *, invite_form=None, status=200):
    may_invite = may_invite_enterprise_users(request.user)
    context = {
        "enterprise": enterprise,
        "people": people_visible_to(request.user).filter(enterprise=enterprise),
        "accounts": enterprise_accounts_for(request.user, enterprise),
        "may_invite": may_invite,
        "invite_form": (invite_form or EnterpriseInviteForm()) if may_invite else None,
        "invite_open": invite_form is not None,
        "partnerships": partnerships_visible_to(request.user)
        .filter(enterprise=enterprise)
        .order_by("-started_on", "code"),
        "centre_parties": centre_parties_visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("centre"),
        **_projects(request, Q(partner_enterprises=enterprise)),
        **_money(request, enterprise=enterprise),
        "projects_url": _url("projects:list", {"enterprise": enterprise.pk}),
        "add_person_url": _url("partners:person_create", {"enterprise": enterprise.code}),
    }
    return render(request, "partnerships/enterprise_detail.html", context, status=status)


def _enterprise(request, code):
    return get_object_or_404(
        enterprises_visible_to(request.user).prefetch_related("sectors"), code=code
    )


@login_required
@require_GET
def enterprise_detail(request, code):
    """An enterprise: its facts, people and portal accounts, its
    partnerships and the joint centres it leads, the projects it partners
    on, and the money it owes and has paid."""
    return _enterprise_page(request, _enterprise(request, code))


@login_required
@require_POST
def enterprise_invite(request, code):
    """Staff invite a partner admin of the enterprise to the portal: its
    first user, typically, who can then verify claims and invite the rest
    of the team. The invitee chooses a password through a one-time link."""
    enterprise = _enterprise(request, code)
    if not may_invite_enterprise_users(request.user):
        raise PermissionDenied
    form = EnterpriseInviteForm(request.POST)
    if form.is_valid():
        try:
            invitee = enterprise_admin_invite(
                by=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _(
                    "Invitation sent to %(email)s: they become a partner admin of "
                    "%(enterprise)s. The link works once, for %(days)s days."
                )
                % {
                    "email": invitee.email,
                    "enterprise": localized(enterprise),
                    "days": settings.INVITATION_TIMEOUT_DAYS,
                },
            )
            return redirect(enterprise)
    return _enterprise_page(request, enterprise, invite_form=form, status=400)


@login_required
@require_POST
def enterprise_invitation_resend(request, code, user_pk):
    """Send an enterprise's pending invitation again, with a new link."""
    enterprise = _enterprise(request, code)
    account = get_object_or_404(enterprise_accounts_for(request.user, enterprise), pk=user_pk)
    try:
        enterprise_invitation_resend_service(by=request.user, user=account)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A new invitation was sent to %(email)s; the earlier link no longer works.")
            % {"email": account.email},
        )
    return redirect(enterprise)


# --- Joint centres and partnerships -----------------------------------------------


@login_required
@require_GET
def joint_centre_detail(request, code):
    """A joint centre: its hosts and lead enterprises with their yearly
    funding, its partnerships, projects and money."""
    centre = get_object_or_404(
        joint_centres_visible_to(request.user).prefetch_related(
            "focus_sectors",
            Prefetch("governance_contacts", queryset=people_visible_to(request.user)),
        ),
        code=code,
    )
    context = {
        "centre": centre,
        "parties": centre_parties_visible_to(request.user).filter(centre=centre),
        "funding": centre_funding_for(request.user, centre),
        "partnerships": partnerships_visible_to(request.user)
        .filter(joint_centre=centre)
        .order_by("-started_on", "code"),
        **_projects(request, Q(joint_centre=centre)),
        **_money(request, joint_centre=centre),
        "projects_url": _url("projects:list", {"joint_centre": centre.pk}),
    }
    return render(request, "partnerships/joint_centre_detail.html", context)


@login_required
@require_GET
def partnership_detail(request, code):
    """A partnership: its parties, mode, status and dates, its agreements,
    its projects and money."""
    partnership = get_object_or_404(partnerships_visible_to(request.user), code=code)
    context = {
        "partnership": partnership,
        "agreements": agreements_visible_to(request.user)
        .filter(partnership=partnership)
        .order_by("-signed_on", "reference"),
        **_projects(request, Q(partnership=partnership)),
        **_money(request, partnership=partnership),
        "projects_url": "",
    }
    return render(request, "partnerships/partnership_detail.html", context)


# --- Agreements -----------------------------------------------------------------------


@login_required
@require_GET
def agreement_detail(request, reference):
    """An agreement: its header and terms in words and numbers, its
    projects, milestones, royalty reports, money and cost-sharing ledger."""
    agreement = get_object_or_404(agreement_terms_for(request.user), reference=reference)
    today = timezone.localdate()
    milestones = list(agreement_milestones_for(request.user, agreement))
    for milestone in milestones:
        milestone.overdue = milestone.is_overdue(today)
    term = agreement_term_position(agreement, today=today)
    money = money_position_for(request.user, today=today, agreement=agreement)
    ledger = agreement_cost_ledger(request.user, agreement)
    context = {
        **agreement_terms_context(agreement),
        **_projects(request, Q(agreement=agreement)),
        "today": today,
        "term": term,
        "term_left": term_left(term),
        "money": money,
        "money_converted": money_position_converted(money, on=today),
        "milestones": milestones,
        "milestones_url": _url("milestones:list", {"agreement": agreement.pk}),
        "royalties_url": _url("royalties:list", {"agreement": agreement.pk}),
        "royalty_reports": agreement_royalty_reports_for(request.user, agreement),
        **fixed_payments_context(request.user, agreement, today=today),
        "ledger": ledger,
        "ledger_converted": ledger_converted(ledger, on=today),
        "may_record_cost": False,
        "on_agreement_page": True,
    }
    return render(request, "partnerships/agreement_detail.html", context)
