"""/api/v1/: one router for every app's viewsets, plus token login."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from inspections.campaigns import api as campaigns_api
from inspections.cases import api as cases_api
from inspections.complaints import api as complaints_api
from inspections.coverage.api import CoverageViewSet, MonthlySummaryViewSet
from inspections.evaluations import api as evaluations_api
from inspections.notifications.api import NotificationViewSet
from inspections.plans.api import ChecklistTemplateViewSet, PlanViewSet
from inspections.surveys import api as surveys_api
from inspections.tickets.api import TicketViewSet
from inspections.visits.api import ProblemViewSet, VisitViewSet
from reports import api as reports_api
from reports.annual import api as annual_api
from reports.dashboard import api as dashboard_api
from reports.monthly import api as monthly_api
from schools.api import SchoolViewSet

from .accounts import api as accounts_api
from .accounts.api import obtain_token
from .api import OfficeViewSet, SupervisorViewSet, ZoneViewSet
from .user_api import PasswordChangeView, UserViewSet

router = DefaultRouter()
router.register("offices", OfficeViewSet, basename="office")
router.register("zones", ZoneViewSet, basename="zone")
router.register("supervisors", SupervisorViewSet, basename="supervisor")
router.register("users", UserViewSet, basename="user")
router.register("schools", SchoolViewSet, basename="school")
router.register("plans", PlanViewSet, basename="plan")
router.register("checklist-templates", ChecklistTemplateViewSet, basename="checklist-template")
router.register("visits", VisitViewSet, basename="visit")
router.register("problems", ProblemViewSet, basename="problem")
router.register("monthly-summaries", MonthlySummaryViewSet, basename="monthly-summary")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("notifications", NotificationViewSet, basename="notification")

# Apps beyond the monthly loop add their viewsets through their api.register(router).
for module in (
    accounts_api, campaigns_api, evaluations_api, surveys_api, cases_api, complaints_api, reports_api, monthly_api, annual_api,
    dashboard_api,
):
    module.register(router)

urlpatterns = [
    path("auth/token/", obtain_token, name="api-token"),
    path("auth/password/", PasswordChangeView.as_view(), name="api-password-change"),
    path("", include(router.urls)),
]
