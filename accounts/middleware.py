"""Keeps a user who awaits a role on the page that says so."""

from django.shortcuts import redirect

from .selectors import is_awaiting_role_user

# What a user with no role may open: the page that tells them, signing out
# and the language switch.
AWAITING_ROLE_OPEN_VIEWS = frozenset({"accounts:awaiting_role", "accounts:logout", "set_language"})


class AwaitingRoleMiddleware:
    """A user signed up by single sign-on has no role until an
    administrator grants one in BioBridge. Every page but a few sends them
    to the page that says so: no page, list or API call of BioBridge is
    theirs yet, whatever a view's own checks would make of a user with no
    role."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_awaiting_role_user(request.user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in AWAITING_ROLE_OPEN_VIEWS:
            return None
        return redirect("accounts:awaiting_role")
