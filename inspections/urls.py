"""/inspections/: plans and templates, visits and checklists, coverage and monthly summaries.
Each group of pages lives in its own views module."""
from django.urls import include, path

app_name = "inspections"
urlpatterns = [
    path("", include("inspections.plan_urls")),
    path("", include("inspections.visit_urls")),
    path("", include("inspections.coverage_urls")),
    path("", include("inspections.alert_urls")),
    path("", include("inspections.ticket_urls")),
    path("", include("inspections.ledger_urls")),
]
