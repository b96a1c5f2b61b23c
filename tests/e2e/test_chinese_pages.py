"""Every page a staff member and a partner reach, in Chinese, on the demo
world: lists, detail pages and forms show no English word outside what
people typed (names, titles, notes), proper nouns, codes and units.

Then a date picker in Chinese: it carries an ISO date and its form submits.

One browser context per role and a single pass: from the start page, each
link inside the site is followed once per kind of address (the first
project stands for all projects), downloads and the admin aside."""

import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from demo.seeding import seed_demo
from demo.specs import ADMIN_EMAIL, PARTNER_A_EMAIL
from partnerships.models import Agreement
from projects.models import ResearchProject

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Proper nouns, standard abbreviations, codes and units that Chinese pages
# write in Latin letters too.
ALLOWED = {
    "biobridge",
    "english",
    "rnpv",
    "npv",
    "trl",
    "loa",
    "irr",
    "api",
    "pdf",
    "csv",
    "xlsx",
    "excel",
    "email",
    "e-mail",
    "uscc",
    "ip",
    "gmp",
    "nda",
    "bla",
    "ind",
    "cmc",
    "pct",
    "q",
    "ok",
    "bearer",
    "token",
    "webhook",
    "webhooks",
    "json",
    "openapi",
    "swagger",
    "https",
    "http",
    "url",
    "monte",
    "carlo",
    "mb",
    "kb",
    "docx",
    "xls",
    "pptx",
    "jpeg",
    "jpg",
    "png",
    "txt",
    "zip",
    # Calendar apps, named on the calendar feed page.
    "outlook",
    "google",
    "apple",
    "web",
}

# Addresses not crawled: leaving, switching, downloads and exports, the
# admin and the API's own pages.
SKIPPED = re.compile(
    r"^/(accounts/logout|admin|api|i18n|static|media)"
    r"|/download|/pdf|/file|\.(pdf|csv|xlsx|png|zip)$"
)
MAX_PAGES = 100
# Links, and the forms and panels htmx fetches (a milestone's action forms).
LINKS = "a[href], [hx-get]"
ADDRESSES = """links => links.map(
  e => new URL(e.getAttribute("href") || e.getAttribute("hx-get"), document.baseURI).href
)"""
STAFF_START = [
    "/",
    "/projects/",
    "/partners/",
    "/agreements/",
    "/milestones/",
    "/royalties/",
    "/valuations/",
    "/reports/",
    "/notifications/",
]

TOKEN = re.compile(r"[A-Za-z0-9][\w'’.\-/]*")
WORD = re.compile(r"[A-Za-z]+")
# What a page shows and says to screen readers (placeholders, titles,
# labels), without the code samples in it.
VISIBLE_TEXT = """() => {
  document.querySelectorAll("code, kbd, pre, [translate=no]").forEach(e => e.textContent = "");
  const said = [...document.querySelectorAll("[placeholder], [title], [aria-label]")].map(
    e => [e.placeholder, e.title, e.getAttribute("aria-label")].filter(Boolean).join(" ")
  );
  return [document.body.innerText, ...said].join("\\n");
}"""


def words_of(text: str) -> set[str]:
    """The English words of ``text``: not e-mail addresses, links, web
    addresses and file names, codes with digits (HER2, ELU-001) or upper-case
    abbreviations (CNY, GMP)."""
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)
    words = set()
    for token in TOKEN.findall(text):
        token = token.strip(".-/'’")
        if re.search(r"\d", token) or "." in token or (token.isupper() and len(token) <= 6):
            continue  # a code, a web address or a file name, an abbreviation
        words |= {word.lower() for word in WORD.findall(token) if not word.isupper()}
    return words


def typed_texts() -> list[str]:
    """What people typed in the demo world (names, titles, notes, reasons),
    longest first. A bilingual field counts only where its Chinese variant
    is empty: otherwise the page must show the Chinese. Choice fields are
    labels the catalogue translates, and the timeline and notices must be
    shown translated: neither counts."""
    texts: set[str] = set()
    for app in (
        "core",
        "accounts",
        "partnerships",
        "pipelines",
        "projects",
        "achievements",
        "valuations",
        "distributions",
        "reports",
    ):
        for model in apps.get_app_config(app).get_models():
            if model._meta.label in {"projects.Activity"}:
                continue
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField) and not field.choices
            ]
            for row in model.objects.values(*fields):
                for name, value in row.items():
                    if value and not row.get(f"{name}_zh"):
                        texts.add(" ".join(str(value).split()))
    # A valuation's phases and milestones are named in its inputs, in the
    # language its valuer worked in.
    for inputs in apps.get_model("valuations", "Valuation").objects.values_list(
        "inputs", flat=True
    ):
        texts |= {phase["name"] for phase in inputs.get("phases", [])}
        texts |= {m["name"] for m in (inputs.get("deal") or {}).get("milestones", [])}
    return sorted(texts, key=len, reverse=True)


def english_on(text: str, typed: list[str]) -> set[str]:
    """The English words of a page's text once what people typed is taken
    out."""
    text = " ".join(text.split())
    for value in typed:
        if value in text:
            text = text.replace(value, " ")
    return words_of(text) - ALLOWED


def signed_in_context(browser, live_server, email: str):
    user = User.objects.get(email=email)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 860}, locale="zh-CN"
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url},
        ]
    )
    return context


def shape(path: str) -> str:
    """One kind of address: its segments with digits (ids, codes) as *."""
    return "/".join("*" if re.search(r"\d", part) else part for part in path.split("/"))


def crawl(context, start: list[str], typed: list[str]) -> tuple[dict[str, list[str]], int]:
    """Visit the pages reachable from ``start``, one per kind of address;
    returns the English words found, by page, and how many pages were
    visited."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    queue, seen, found = list(start), {shape(path) for path in start}, {}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        visited += 1
        assert response.status < 400, path
        english = sorted(english_on(page.evaluate(VISIBLE_TEXT), typed))
        if english:
            found[path] = english
        for href in page.eval_on_selector_all(LINKS, ADDRESSES):
            address = urlsplit(href)
            if address.netloc != urlsplit(page.url).netloc or address.query:
                continue
            target = address.path
            if SKIPPED.search(target) or shape(target) in seen:
                continue
            seen.add(shape(target))
            queue.append(target)
    page.close()
    print(f"{visited} pages visited")
    return found, visited


@pytest.fixture
def demo_world():
    seed_demo()
    return typed_texts()


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {' '.join(words)}" for path, words in found.items())


def test_staff_pages_in_chinese_show_no_english(browser, live_server, demo_world):
    context = signed_in_context(browser, live_server, ADMIN_EMAIL)

    found, visited = crawl(context, STAFF_START, demo_world)

    context.close()
    assert visited >= 30
    assert found == {}, report(found)


def test_portal_pages_in_chinese_show_no_english(browser, live_server, demo_world):
    context = signed_in_context(browser, live_server, PARTNER_A_EMAIL)

    found, visited = crawl(context, ["/portal/"], demo_world)

    context.close()
    assert visited >= 12
    assert found == {}, report(found)


def test_a_chinese_cost_form_carries_todays_date_and_submits(browser, live_server, demo_world):
    """The browser's date picker used to get "2026/12/06": blank on screen
    and refused on submit."""
    project = ResearchProject.objects.filter(agreement__isnull=False).order_by("code").first()
    context = signed_in_context(browser, live_server, ADMIN_EMAIL)
    page = context.new_page()
    page.goto(f"/projects/{project.code}/")

    form = page.locator(f"form[action='/projects/{project.code}/costs/']")
    form.locator("xpath=ancestor::details").locator("summary").click()
    incurred_on = form.locator("[name=incurred_on]")
    expect(incurred_on).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    form.locator("[name=amount]").fill("12345.60")
    form.locator("[name=description]").fill("试剂采购")
    form.locator("button[type=submit]").click()

    # Recorded: the ledger counts it.
    expect(page.locator("#project-ledger")).to_contain_text("12,345.60")
    context.close()


def test_a_chinese_royalty_report_form_shows_its_period(browser, live_server, demo_world):
    agreement = (
        Agreement.objects.filter(
            partnership__enterprise__users__email=PARTNER_A_EMAIL, royalty_tiers__isnull=False
        )
        .distinct()
        .first()
    )
    context = signed_in_context(browser, live_server, PARTNER_A_EMAIL)
    page = context.new_page()
    page.goto(f"/portal/royalty-reports/new/?agreement={agreement.reference}")

    for name in ("period_start", "period_end"):
        expect(page.locator(f"[name={name}]")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    context.close()
