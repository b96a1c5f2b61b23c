"""Every page is served under a Content Security Policy that runs no inline
script, event handler or style, and no template relies on one: behaviour
comes from the static scripts through data attributes."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path
    for path in Path(settings.BASE_DIR).glob("*/templates")
    if not path.is_relative_to(Path(settings.BASE_DIR) / ".venv")
]
TEMPLATES = sorted(
    path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html") if path.is_file()
)

# A <script> with no src runs inline, unless it only carries data
# (json_script writes type="application/json").
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {
        name: values.split()
        for name, _, values in (part.strip().partition(" ") for part in policy.split(";"))
    }


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_has_an_inline_script_handler_or_style(template):
    text = template.read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not EVENT_HANDLER.search(text), "inline event handler: use a data-bb-* attribute"
    assert not INLINE_STYLE.search(text), "inline style: use a class in static/css/"


def test_the_templates_are_found():
    names = {path.name for path in TEMPLATES}

    assert {"base.html", "milestone.html", "tokens.html"} <= names


@pytest.mark.parametrize(
    "url_name",
    ["accounts:login", "accounts:password_reset", "api-docs", "home", "portal:overview"],
)
def test_pages_carry_the_policy(client, staff_user, url_name):
    client.force_login(staff_user)

    response = client.get(reverse(url_name), follow=True)
    policy = directives(response)

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def test_the_api_documentation_serves_its_script_from_a_url(client, staff_user):
    client.force_login(staff_user)

    page = client.get(reverse("api-docs"))
    script = client.get(reverse("api-docs") + "?script=")

    assert page.status_code == 200
    assert not INLINE_SCRIPT.search(page.content.decode())
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
