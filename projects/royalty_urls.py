from django.urls import path

from projects.views import money, royalty_page

app_name = "royalties"

urlpatterns = [
    path("", money.RoyaltyReportListView.as_view(), name="list"),
    path("<int:pk>/", royalty_page.royalty_report_detail, name="detail"),
    path("<int:pk>/<slug:action>/", royalty_page.royalty_report_action, name="action"),
]
