from django.urls import path

from . import views

app_name = "monthly_reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.status, name="status"),
    path("zone/<int:zone_id>/<int:year>/<int:month>/", views.zone_month, name="zone_month"),
    path("zone/<int:zone_id>/<int:year>/<int:month>/build/", views.zone_month_build, name="zone_month_build"),
    path("report/<int:pk>/file/", views.report_file, name="report_file"),
    path("report/<int:pk>/excel/", views.report_excel, name="report_excel"),
    path("office/<int:office_id>/<int:year>/<int:month>/rollup/", views.rollup_excel, name="rollup_excel"),
]
