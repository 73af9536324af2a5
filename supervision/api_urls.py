"""/api/v1/: one router for every app's viewsets, plus token login."""
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from inspections.api import (
    ChecklistTemplateViewSet,
    CoverageViewSet,
    MonthlySummaryViewSet,
    NotificationViewSet,
    PlanViewSet,
    ProblemViewSet,
    TicketViewSet,
    VisitViewSet,
)
from schools.api import SchoolViewSet

from .api import OfficeViewSet, SupervisorViewSet, ZoneViewSet

router = DefaultRouter()
router.register("offices", OfficeViewSet, basename="office")
router.register("zones", ZoneViewSet, basename="zone")
router.register("supervisors", SupervisorViewSet, basename="supervisor")
router.register("schools", SchoolViewSet, basename="school")
router.register("plans", PlanViewSet, basename="plan")
router.register("checklist-templates", ChecklistTemplateViewSet, basename="checklist-template")
router.register("visits", VisitViewSet, basename="visit")
router.register("problems", ProblemViewSet, basename="problem")
router.register("monthly-summaries", MonthlySummaryViewSet, basename="monthly-summary")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
