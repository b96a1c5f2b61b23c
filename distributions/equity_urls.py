from django.urls import path

from .views import equity

app_name = "equity"

urlpatterns = [
    path("", equity.equity_list, name="list"),
    path("holdings/new/", equity.holding_create, name="holding-create"),
    path("holdings/<int:pk>/sales/new/", equity.sale_create, name="sale-create"),
    path("operating-profits/new/", equity.operating_profit_create, name="profit-create"),
]
