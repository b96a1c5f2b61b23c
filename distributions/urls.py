"""The staff pages of income distribution under /distributions/. Routes
are listed here one by one; the runs' pages join the same list."""

from django.urls import path

from .views import policies

app_name = "distributions"

urlpatterns = [
    path("policies/", policies.policy_list, name="policies"),
    path("policies/new/", policies.policy_create, name="policy-create"),
    path("policies/<int:pk>/", policies.policy_detail, name="policy"),
    path("policies/<int:pk>/edit/", policies.policy_edit, name="policy-edit"),
    path("policies/<int:pk>/delete/", policies.policy_delete, name="policy-delete"),
    path("policies/<int:pk>/what-if/", policies.policy_what_if, name="policy-what-if"),
]
