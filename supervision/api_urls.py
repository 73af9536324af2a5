"""/api/v1/: one router for every app's viewsets, plus token login."""
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from schools.api import SchoolViewSet

from .api import OfficeViewSet, SupervisorViewSet, ZoneViewSet

router = DefaultRouter()
router.register("offices", OfficeViewSet, basename="office")
router.register("zones", ZoneViewSet, basename="zone")
router.register("supervisors", SupervisorViewSet, basename="supervisor")
router.register("schools", SchoolViewSet, basename="school")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
