from django.utils.functional import SimpleLazyObject

from .selectors import notifications_visible_to


def unread_notifications(request):
    """The unread count for the navigation badge, counted only when a page
    shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: notifications_visible_to(user).filter(read_at__isnull=True).count()
        )
    }
