from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    path("", views.calendar_month, name="month"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
