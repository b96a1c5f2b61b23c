from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.selectors import has_full_access, is_centre_staff_user, is_researcher_user


def _signed_in(request) -> bool:
    return bool(request.user and request.user.is_authenticated)


class IsStaffOrPartner(BasePermission):
    """The API of projects, agreements, money and valuations: staff,
    partners and superusers. A researcher has the achievements and
    disclosures endpoints and the personal ones (notifications, tokens);
    anywhere else they get 403, whatever the endpoint's selector would
    show them. The default of every view (``DEFAULT_PERMISSION_CLASSES``)."""

    message = "Researchers use the achievements and disclosures endpoints only."

    def has_permission(self, request, view):
        return _signed_in(request) and not is_researcher_user(request.user)


class IsCentreStaff(BasePermission):
    """Research-centre staff and superusers; partners get 403."""

    message = "Only research-centre staff may do this."

    def has_permission(self, request, view):
        return has_full_access(request.user) or is_centre_staff_user(request.user)


class ReadOrCentreStaffWrites(IsStaffOrPartner):
    """Staff and partners read (within their scope); only staff write."""

    message = "Only research-centre staff may change this."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return has_full_access(request.user) or is_centre_staff_user(request.user)
