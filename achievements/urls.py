from django.urls import path

from .views import achievements, disclosures, docket, patents

app_name = "achievements"

urlpatterns = [
    path("", achievements.achievement_list, name="list"),
    path("bulk/", achievements.AchievementBulkView.as_view(), name="bulk"),
    path("new/", achievements.achievement_create, name="create"),
    path("docket/", docket.docket, name="docket"),
    path("docket/<int:pk>/<slug:action>/", docket.deadline_action, name="deadline_action"),
    path("disclosures/", disclosures.disclosure_list, name="disclosures"),
    path("disclosures/<int:pk>/", disclosures.disclosure_detail, name="disclosure"),
    path("disclosures/<int:pk>/return/", disclosures.disclosure_return, name="disclosure_return"),
    path(
        "disclosures/<int:pk>/convert/",
        disclosures.disclosure_convert,
        name="disclosure_convert",
    ),
    path(
        "disclosures/<int:pk>/confirm/",
        disclosures.disclosure_confirm,
        name="disclosure_confirm",
    ),
    path("families/<int:pk>/", patents.family_detail, name="family"),
    path("families/<int:pk>/edit/", patents.family_edit, name="family_edit"),
    path(
        "families/<int:pk>/applications/new/",
        patents.application_create,
        name="application_create",
    ),
    path("applications/<int:pk>/edit/", patents.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/office-actions/new/",
        patents.office_action_create,
        name="office_action_create",
    ),
    path(
        "office-actions/<int:pk>/respond/",
        patents.office_action_respond,
        name="office_action_respond",
    ),
    path("<int:pk>/", achievements.achievement_detail, name="detail"),
    path("<int:pk>/edit/", achievements.achievement_edit, name="edit"),
    path("<int:pk>/assess/", achievements.achievement_assess, name="assess"),
    path("<int:pk>/decide/", achievements.achievement_decide, name="decide"),
    path("<int:pk>/agreements/", achievements.agreement_link, name="agreement_link"),
    path(
        "<int:pk>/agreements/<int:link_pk>/unlink/",
        achievements.agreement_unlink,
        name="agreement_unlink",
    ),
    path("<int:pk>/costs/new/", achievements.ip_cost_create, name="cost_create"),
    path("<int:pk>/families/new/", achievements.family_create, name="family_create"),
]
