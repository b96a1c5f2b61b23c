from django.urls import path

from . import views

app_name = "annual_reports"

urlpatterns = [
    path("", views.annual_index, name="index"),
    path(
        "<str:kind>/<int:institution_id>/<int:year>/inputs/",
        views.inputs_save,
        name="inputs",
    ),
    path(
        "<str:kind>/<int:institution_id>/<int:year>/figures/<str:key>/",
        views.figure_records,
        name="figure",
    ),
    path(
        "<str:kind>/<int:institution_id>/<int:year>/export.<str:fmt>",
        views.export,
        name="export",
    ),
]
