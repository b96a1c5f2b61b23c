"""The researcher's rewards under ``/research/`` (``research_views.py``),
in the ``research`` namespace with the researcher's other pages."""

from django.urls import path

from . import research_views as views

urlpatterns = [
    path("rewards/", views.rewards, name="rewards"),
    path("rewards/<int:pk>/statement.pdf", views.reward_statement, name="reward_statement"),
]
