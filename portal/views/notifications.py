"""The partner's notices in the portal: the same notices as the staff UI's
list, with their links turned into the portal's pages."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.views.decorators.http import require_GET, require_POST

from core.ui.navigation import safe_next
from notifications.selectors import notifications_visible_to
from notifications.services import notifications_mark_read
from portal.access import partner_view

NOTIFICATIONS_PER_PAGE = 30


def portal_url(url: str) -> str:
    """Where a notice's link leads a partner: notices store the staff UI's
    address of what they are about (a project page), which partners cannot
    open; the portal's page of the same object, else the notices."""
    fallback = reverse("portal:notifications")
    if not url:
        return fallback
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return fallback
    if match.namespaces and match.namespaces[0] == "portal":
        return url
    code = match.kwargs.get("code")
    if match.namespaces and match.namespaces[0] == "projects" and code:
        try:
            return reverse("portal:project_detail", kwargs={"code": code})
        except NoReverseMatch:
            return fallback
    return fallback


@partner_view
@require_GET
def notification_list(request):
    """The partner's notices, newest first; unread ones stand out."""
    only_unread = request.GET.get("unread") == "1"
    notices = notifications_visible_to(request.user)
    if only_unread:
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notification_list.html",
        {"page": page, "only_unread": only_unread},
    )


@partner_view
@require_POST
def notifications_read(request):
    """Mark one notice read (``id``) or all of them."""
    notice_id = request.POST.get("id", "")
    ids = [int(notice_id)] if notice_id.isdigit() else None
    notifications_mark_read(user=request.user, ids=ids)
    return redirect(safe_next(request) or "portal:notifications")


@partner_view
def notification_open(request):
    """Mark a notice (``?id=``) read and follow its link into the portal.
    Someone else's notice, like a missing one, leads back to the list."""
    notice_id = request.GET.get("id", "")
    notice = (
        notifications_visible_to(request.user).filter(pk=notice_id).first()
        if notice_id.isdigit()
        else None
    )
    if notice is None:
        return redirect("portal:notifications")
    notifications_mark_read(user=request.user, ids=[notice.pk])
    return redirect(portal_url(notice.url))
