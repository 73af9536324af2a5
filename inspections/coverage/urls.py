"""Coverage (全覆盖) and supervisors' monthly summaries (月总结报告)."""
from django.urls import path

from inspections.coverage import views

urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export.xlsx", views.coverage_export, name="coverage_export"),
    path("summaries/", views.summary_list, name="summary_list"),
    path("summaries/<int:year>/<int:month>/", views.summary_edit, name="summary_edit"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary_detail"),
]
