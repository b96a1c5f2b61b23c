from django.urls import path

from portal.views import calendar, documents, notifications, search, team

urlpatterns = [
    path("documents/", documents.document_list, name="documents"),
    path("documents/upload/", documents.document_upload, name="document_upload"),
    path(
        "documents/<int:document_pk>/download/",
        documents.document_download,
        name="document_download",
    ),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("notifications/open/", notifications.notification_open, name="notification_open"),
    path("calendar/", calendar.calendar_month, name="calendar"),
    path("search/", search.search, name="search"),
    path("team/", team.team, name="team"),
    path("team/invite/", team.team_invite, name="team_invite"),
    path("team/<int:user_pk>/resend/", team.team_resend, name="team_resend"),
    path("team/<int:user_pk>/remove/", team.team_remove, name="team_remove"),
    # For people not signed in yet: the link of an invitation email.
    path(
        "invitations/<uidb64>/<token>/",
        team.invitation_accept_view,
        name="invitation_accept",
    ),
]
