"""While the database cannot be reached, requests fail cleanly: 503 with
Retry-After and the usual error body, never a traceback or a bare 500."""

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.urls import path


def database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


def connection_closed(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise RuntimeError("a bug")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("api/v1/down/", database_down),
    path("api/v1/broken/", broken),
    path("down/", database_down),
    path("closed/", connection_closed),
    path("broken/", broken),
    path("fine/", fine),
]
handler500 = "core.api.errors.server_error"

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


def test_the_api_answers_503_in_its_error_format_while_the_database_is_down(client):
    response = client.get("/api/v1/down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize("address", ["/down/", "/closed/"])
def test_a_page_answers_503_without_needing_the_database(client, address):
    response = client.get(address)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in response.content.decode()


def test_other_errors_stay_500_and_the_api_keeps_its_error_format(client):
    api = client.get("/api/v1/broken/")
    page = client.get("/broken/")

    assert api.status_code == 500
    assert api.json()["error"]["code"] == "server_error"
    assert page.status_code == 500


def test_the_503_page_is_translated(client):
    response = client.get("/down/", headers={"accept-language": "zh-hans"})

    assert response.status_code == 503
    assert "稍后即可恢复" in response.content.decode()
