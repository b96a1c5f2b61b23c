from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import language_set
from achievements import research_urls as achievement_research_urls
from core.views import healthz, readyz
from distributions import research_urls as distribution_research_urls
from partnerships import agreement_urls
from partnerships import urls as partnership_urls
from projects import party_page_urls
from projects.dashboard_urls import reports_urls
from search import research_urls as search_research_urls

# Under /api/ a request that reaches no view still answers in the API's
# error format.
handler400 = "core.api.errors.bad_request"
handler404 = "core.api.errors.not_found"
handler500 = "core.api.errors.server_error"

urlpatterns = [
    # First: the API serves other systems many requests a second, and each
    # pattern before its own is one more tried and missed. No other route
    # starts with api/v1/, so the order changes nothing else.
    path("api/v1/", include("config.api_router")),
    path("", include("projects.dashboard_urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("projects/", include("projects.urls")),
    # A party's or an agreement's page shows its projects and money, so
    # projects serve it; the lists and forms before it are partnerships'.
    path(
        "partners/",
        include(
            (partnership_urls.urlpatterns + party_page_urls.party_urlpatterns, "partners"),
        ),
    ),
    path(
        "agreements/",
        include(
            (agreement_urls.urlpatterns + party_page_urls.agreement_urlpatterns, "agreements"),
        ),
    ),
    path("milestones/", include("projects.money_urls")),
    path("royalties/", include("projects.royalty_urls")),
    path("valuations/", include("valuations.urls")),
    path("achievements/", include("achievements.urls")),
    path("equity/", include("distributions.equity_urls")),
    path("distributions/", include("distributions.urls")),
    path("reports/annual/", include("reports.urls")),
    path("reports/", include(reports_urls)),
    path("rates/", include("projects.rate_urls")),
    path("calendar/", include("calendars.urls")),
    path("search/", include("search.urls")),
    path("imports/", include("imports.urls")),
    path("portal/", include("portal.urls")),
    # The researcher's pages: their achievements and disclosures, their
    # rewards from income distribution and their search, in one namespace.
    path(
        "research/",
        include(
            (
                achievement_research_urls.urlpatterns
                + distribution_research_urls.urlpatterns
                + search_research_urls.urlpatterns,
                "research",
            )
        ),
    ),
    path("i18n/setlang/", language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves the page's script from its own URL: the Content
    # Security Policy allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    # Probes for load balancers and orchestrators, answered before the host
    # check and the HTTPS redirect by core.middleware.HealthProbeMiddleware;
    # /health/ is the older name of /readyz.
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("health/", readyz, name="health"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
