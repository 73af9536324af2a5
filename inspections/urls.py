"""/inspections/: plans and templates, visits and checklists, coverage and monthly summaries.
Each group of pages lives in its own views module."""
from django.urls import include, path

app_name = "inspections"
urlpatterns = [
    path("", include("inspections.plans.urls")),
    path("", include("inspections.visits.urls")),
    path("", include("inspections.coverage.urls")),
    path("", include("inspections.escalations.urls")),
    path("", include("inspections.notifications.urls")),
    path("", include("inspections.tickets.urls")),
    path("", include("inspections.ledger.urls")),
]
