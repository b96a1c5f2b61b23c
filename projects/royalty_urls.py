from django.urls import path

from projects.views import money

app_name = "royalties"

urlpatterns = [
    path("", money.RoyaltyReportListView.as_view(), name="list"),
]
