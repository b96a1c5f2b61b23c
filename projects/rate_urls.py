"""The exchange rates pages at ``/rates/`` (the ``rates`` namespace)."""

from django.urls import path

from projects.views import rates as views

app_name = "rates"

urlpatterns = [
    path("", views.rate_list, name="list"),
    path("new/", views.rate_create, name="create"),
    path("<int:pk>/edit/", views.rate_edit, name="edit"),
]
