from django.urls import path

from . import mobility_views, views

app_name = "annual_reports"

urlpatterns = [
    path("", views.annual_index, name="index"),
    path("mobility/", mobility_views.mobility_list, name="mobility"),
    path("mobility/add/", mobility_views.mobility_create, name="mobility-create"),
    path("mobility/<int:pk>/edit/", mobility_views.mobility_edit, name="mobility-edit"),
    path("mobility/<int:pk>/delete/", mobility_views.mobility_delete, name="mobility-delete"),
    path("entities/", mobility_views.entity_list, name="entities"),
    path("entities/add/", mobility_views.entity_create, name="entity-create"),
    path("entities/<int:pk>/edit/", mobility_views.entity_edit, name="entity-edit"),
    path("entities/<int:pk>/delete/", mobility_views.entity_delete, name="entity-delete"),
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
