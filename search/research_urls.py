"""The researcher's search page, in the ``research`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.research_search_page, name="search"),
]
