from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("<int:pk>/check/", views.import_check, name="check"),
    path("<int:pk>/commit/", views.import_commit, name="commit"),
    path("<int:pk>/status/", views.import_status, name="status"),
    path("<int:pk>/report.csv", views.import_report, name="report"),
    path("export.xlsx", views.import_export, name="export"),
    path("templates/<str:kind>/<str:language>.xlsx", views.import_template, name="template"),
]
