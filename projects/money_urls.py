from django.urls import path

from projects.views import money

app_name = "milestones"

urlpatterns = [
    path("", money.MilestoneListView.as_view(), name="list"),
    path("payments/", money.PaymentListView.as_view(), name="payments"),
]
