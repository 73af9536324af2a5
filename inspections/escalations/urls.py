"""The escalation ladder (升级督办): the list, the office's policy, one escalation and its 督办通知."""
from django.urls import path

from inspections.escalations import views

urlpatterns = [
    path("escalations/", views.escalation_list, name="escalation_list"),
    path("escalations/policy/", views.escalation_policy, name="escalation_policy"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/notice.pdf", views.urge_notice_pdf, name="urge_notice_pdf"),
]
