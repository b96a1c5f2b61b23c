"""Routes of the staff forms that create and edit partners, partnerships,
agreements and their terms. ``partnerships/urls.py`` and
``partnerships/agreement_urls.py`` mount them before the detail pages, so
that ``…/new/`` is never read as a code."""

from django.urls import path  # noqa: F401

directory_urlpatterns = []
agreement_urlpatterns = []
