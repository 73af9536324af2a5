from django.urls import path

from . import roster_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.supervisor_home, name="supervisor_home"),
    path("office/", views.office_overview, name="office_overview"),
    path("office/<int:pk>/settings/", views.office_settings, name="office_settings"),
    path("zones/", views.zone_list, name="zone_list"),
    path("zones/new/", views.zone_create, name="zone_create"),
    path("zones/<int:pk>/", views.zone_detail, name="zone_detail"),
    path("zones/<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("zones/<int:pk>/schools/", views.zone_assign_schools, name="zone_assign_schools"),
    path("zones/<int:pk>/supervisors/", views.zone_assign_supervisors, name="zone_assign_supervisors"),
    path("supervisors/", views.supervisor_list, name="supervisor_list"),
    path("supervisors/new/", views.supervisor_edit, name="supervisor_create"),
    path("supervisors/<int:pk>/edit/", views.supervisor_edit, name="supervisor_edit"),
    path("supervisors/<int:pk>/photo/", views.supervisor_photo, name="supervisor_photo"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/reset-password/", views.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/backfill/", views.user_backfill, name="user_backfill"),
    path("roster/", roster_views.roster, name="roster"),
    path("roster/template.xlsx", roster_views.roster_template, name="roster_template"),
    path("roster/export.xlsx", roster_views.roster_export, name="roster_export"),
    path("roster/import/", roster_views.roster_import, name="roster_import"),
]
