"""Rectification tickets: the workspace, the ticket page and its actions, permission-checked files."""
from django.urls import path

from inspections.tickets import views

urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/start/", views.ticket_start, name="ticket_start"),
    path("tickets/<int:pk>/report/", views.ticket_report, name="ticket_report"),
    path("tickets/<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("tickets/<int:pk>/extensions/<int:extension_pk>/decide/", views.extension_decide, name="extension_decide"),
    path("tickets/<int:pk>/recheck/", views.ticket_recheck, name="ticket_recheck"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("recheck-photos/<int:pk>/", views.recheck_photo, name="recheck_photo"),
]
