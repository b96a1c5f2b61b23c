"""The staff pages of income distribution under ``/distributions/``: the
policies and the distribution runs."""

from django.urls import path

from .views import policies, runs

app_name = "distributions"

urlpatterns = [
    # Policies (views/policies.py).
    path("policies/", policies.policy_list, name="policies"),
    path("policies/new/", policies.policy_create, name="policy-create"),
    path("policies/<int:pk>/", policies.policy_detail, name="policy"),
    path("policies/<int:pk>/edit/", policies.policy_edit, name="policy-edit"),
    path("policies/<int:pk>/delete/", policies.policy_delete, name="policy-delete"),
    path("policies/<int:pk>/what-if/", policies.policy_what_if, name="policy-what-if"),
    # Distribution runs (views/runs.py).
    path("runs/", runs.run_list, name="runs"),
    path("runs/prepare/", runs.run_prepare, name="run-prepare"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("runs/<int:pk>/approve/", runs.run_approve, name="run-approve"),
    path("runs/<int:pk>/recompute/", runs.run_recompute, name="run-recompute"),
    path("runs/<int:pk>/discard/", runs.run_discard, name="run-discard"),
    path("runs/<int:pk>/correct/", runs.run_correct, name="run-correct"),
    path("runs/<int:pk>/notice/", runs.run_notice, name="run-notice"),
    path(
        "runs/<int:pk>/public-notice.<slug:export_format>",
        runs.run_notice_list,
        name="run-notice-list",
    ),
    path(
        "runs/<int:pk>/lines/<int:line_pk>/settle/",
        runs.line_settle,
        name="run-line-settle",
    ),
    path(
        "runs/<int:pk>/statements/<int:person_pk>.pdf",
        runs.run_statement,
        name="run-statement",
    ),
]
