"""Routes of the staff forms that create and edit partners, partnerships,
agreements and their terms. ``config/urls.py`` mounts them before the
detail pages, so that ``…/new/`` is never read as a code."""

from django.urls import path

from . import editing_views as views
from . import researcher_views

directory_urlpatterns = [
    path("institutions/new/", views.institution_create, name="institution_create"),
    path("institutions/<str:code>/edit/", views.institution_edit, name="institution_edit"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<str:code>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("joint-centres/new/", views.joint_centre_create, name="joint_centre_create"),
    path("joint-centres/<str:code>/edit/", views.joint_centre_edit, name="joint_centre_edit"),
    path("partnerships/new/", views.partnership_create, name="partnership_create"),
    path("partnerships/<str:code>/edit/", views.partnership_edit, name="partnership_edit"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path(
        "people/<int:pk>/researcher-invitation/",
        researcher_views.person_researcher_invite,
        name="person_researcher_invite",
    ),
]
agreement_urlpatterns = [
    path("new/", views.agreement_create, name="create"),
    path("<str:reference>/edit/", views.agreement_edit, name="edit"),
    path("<str:reference>/terms/", views.agreement_terms, name="terms"),
]
