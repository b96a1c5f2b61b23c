from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.selectors import has_full_access, is_centre_staff_user


class IsCentreStaff(BasePermission):
    """Research-centre staff and superusers; partners get 403."""

    message = "Only research-centre staff may do this."

    def has_permission(self, request, view):
        return has_full_access(request.user) or is_centre_staff_user(request.user)


class ReadOrCentreStaffWrites(BasePermission):
    """Everyone signed in reads (within their scope); only staff write."""

    message = "Only research-centre staff may change this."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return has_full_access(request.user) or is_centre_staff_user(request.user)
