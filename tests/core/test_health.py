import pytest

pytestmark = pytest.mark.django_db


def test_health_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_health_answers_503_when_the_cache_is_down(client, monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr("core.views.cache.set", broken_set)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error: ConnectionError"
