from .models import Notification


def notifications_visible_to(user):
    """A user's own notices; nobody reads another's."""
    if not (user.is_authenticated and user.is_active):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)
