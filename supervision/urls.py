"""Root URLs. Each app owns its pages; the API router collects every app's viewsets."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from supervision import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # Ours first: /accounts/password_change/ is our page (it settles what the login owes).
    path("accounts/", include("supervision.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("supervision.org_urls")),
    path("schools/", include("schools.urls")),
    path("inspections/", include("inspections.urls")),
    path("campaigns/", include("inspections.campaigns.urls")),
    path("evaluations/", include("inspections.evaluations.urls")),
    path("surveys/", include("inspections.surveys.urls")),
    path("cases/", include("inspections.cases.urls")),
    path("complaints/", include("inspections.complaints.urls")),
    path("reports/monthly/", include("reports.monthly.urls")),
    path("reports/annual/", include("reports.annual.urls")),
    path("reports/", include("reports.urls")),
    path("dashboard/", include("reports.dashboard.urls")),
    path("audit/", include("supervision.audit.urls")),
    path("api/v1/", include("supervision.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file of its own: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

handler403 = "supervision.errors.forbidden"
handler404 = "supervision.errors.not_found"
handler500 = "supervision.errors.server_error"
