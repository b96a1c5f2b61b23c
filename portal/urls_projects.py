from django.urls import path

from portal.views import achievements, agreements, overview, projects

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("projects/", projects.project_list, name="projects"),
    path("projects/<str:code>/", projects.project_detail, name="project_detail"),
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/<str:reference>/", agreements.agreement_detail, name="agreement_detail"),
    path("achievements/", achievements.achievement_list, name="achievements"),
    path(
        "achievements/<int:achievement_pk>/",
        achievements.achievement_detail,
        name="achievement_detail",
    ),
]
