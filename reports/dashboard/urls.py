from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("zones/<int:pk>/", views.zone_detail, name="zone"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
]
