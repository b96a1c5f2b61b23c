"""Steps the browser tests share."""

from tests.factories import DEMO_PASSWORD


def sign_in(page, email: str, *, password: str = DEMO_PASSWORD) -> None:
    """Sign in on the sign-in page and wait for the page it leads to. The
    fields are found by name, so this works in either language."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def sign_in_as(page, live_server, email: str, language: str) -> None:
    """Sign in afresh, in ``language``, leaving any earlier session."""
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, email)
