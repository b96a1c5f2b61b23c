from django.urls import path

from . import views
from .views import project_forms, project_page

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", project_forms.project_create, name="create"),
    path("bulk/", views.ProjectBulkView.as_view(), name="bulk"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/edit/", project_forms.project_edit, name="edit"),
    path("<str:code>/gates/<slug:decision>/", project_page.gate_decision, name="gate_decision"),
    path(
        "<str:code>/milestones/from-schedule/",
        project_page.milestones_from_schedule,
        name="milestones_from_schedule",
    ),
    path(
        "<str:code>/milestones/<int:pk>/<slug:action>/",
        project_page.milestone_action,
        name="milestone_action",
    ),
    path("<str:code>/costs/", project_page.cost_entry_create, name="cost_entry_create"),
    path("<str:code>/documents/", project_page.document_create, name="document_create"),
    path(
        "<str:code>/documents/<int:pk>/download/",
        project_page.document_download,
        name="document_download",
    ),
    path("<str:code>/activity/", project_page.activity, name="activity"),
    path("<str:code>/sections/<slug:section>/", project_page.project_section, name="section"),
]
