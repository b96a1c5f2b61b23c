"""Who may open the partner portal, and who may not open the staff pages.

The portal is for partner users: staff who follow a portal link land on the
staff UI instead. The staff pages are for research-centre staff: a partner
user or a researcher who types one of their addresses gets the same 404 as
for a page that does not exist, so the staff UI never shows them anything,
scoped or not. Partners start at the portal, researchers at their own pages
(``/research/``).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from accounts.selectors import is_partner_user, is_researcher_user

# The URL namespaces and names of the staff UI. A new staff section joins
# this list; ``tests/portal/test_staff_pages_closed.py`` checks every route
# under them.
STAFF_UI_NAMESPACES = frozenset(
    {
        "projects",
        "partners",
        "agreements",
        "milestones",
        "royalties",
        "valuations",
        "reports",
        "notifications",
        "achievements",
        "search",
    }
)
STAFF_UI_URL_NAMES = frozenset({"dashboard", "home"})
# The start page, where signing in lands: a partner user starts at the
# portal, a researcher at their achievements and disclosures.
START_PAGE_URL_NAMES = frozenset({"dashboard", "home"})
# Where a partner user starts, in place of the staff dashboard.
PARTNER_HOME = "portal:overview"
# Where a researcher starts.
RESEARCHER_HOME = "research:home"
# The staff UI's sections a researcher opens too: their own notices, which
# link to the researcher's pages.
RESEARCHER_OPEN_NAMESPACES = frozenset({"notifications"})


def is_staff_ui_route(resolver_match) -> bool:
    if resolver_match is None:
        return False
    if resolver_match.namespaces and resolver_match.namespaces[0] in STAFF_UI_NAMESPACES:
        return True
    return not resolver_match.namespaces and resolver_match.url_name in STAFF_UI_URL_NAMES


class StaffPagesForStaffOnlyMiddleware:
    """Keeps partner users and researchers out of the staff UI; sends them
    to their own pages when they open the start page (as after signing
    in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not is_staff_ui_route(match):
            return None
        if is_partner_user(request.user):
            home = PARTNER_HOME
        elif is_researcher_user(request.user):
            if match.namespaces and match.namespaces[0] in RESEARCHER_OPEN_NAMESPACES:
                return None
            home = RESEARCHER_HOME
        else:
            return None
        if match.url_name in START_PAGE_URL_NAMES:
            return redirect(home)
        raise Http404


def partner_view(view):
    """A portal page: signed-in partner users only. Staff go to the staff UI;
    anyone else (a user with neither role) finds nothing here."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_partner_user(request.user):
            if request.user.is_superuser or request.user.is_centre_staff:
                return redirect("home")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
