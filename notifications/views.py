from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.ui.navigation import safe_next

from .selectors import notifications_visible_to
from .services import notifications_mark_read

NOTIFICATIONS_PER_PAGE = 30


@login_required
def notification_list(request):
    """The user's notices, newest first; unread ones stand out."""
    notices = notifications_visible_to(request.user)
    if request.GET.get("unread") == "1":
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "only_unread": request.GET.get("unread") == "1"},
    )


@login_required
@require_POST
def notifications_read(request):
    """Mark one notice read (``id``) or all of them."""
    notice_id = request.POST.get("id")
    ids = [int(notice_id)] if notice_id and notice_id.isdigit() else None
    notifications_mark_read(user=request.user, ids=ids)
    return redirect(safe_next(request) or "notifications:list")


@login_required
def notification_open(request, pk):
    """Mark a notice read and follow its link."""
    notice = notifications_visible_to(request.user).filter(pk=pk).first()
    if notice is None:
        return redirect("notifications:list")
    notifications_mark_read(user=request.user, ids=[notice.pk])
    return redirect(notice.url or "notifications:list")
