"""The researcher's pages under ``/research/`` (``research_views.py``)."""

from django.urls import path

from . import research_views as views

app_name = "research"

urlpatterns = [
    path("", views.home, name="home"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("disclosures/new/", views.disclosure_create_view, name="disclosure_create"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="disclosure_detail"),
    path("disclosures/<int:pk>/edit/", views.disclosure_edit, name="disclosure_edit"),
    path(
        "disclosures/<int:pk>/<slug:action>/",
        views.disclosure_action,
        name="disclosure_action",
    ),
    # For people not signed in yet: the link of an invitation email.
    path(
        "invitations/<uidb64>/<token>/",
        views.invitation_accept_view,
        name="invitation_accept",
    ),
]
