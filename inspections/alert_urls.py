"""The escalation ladder (升级督办) and the inbox (通知)."""
from django.urls import path

from inspections.notifications import views as notification_views
from inspections.escalations import views as escalation_views

urlpatterns = [
    path("escalations/", escalation_views.escalation_list, name="escalation_list"),
    path("escalations/policy/", escalation_views.escalation_policy, name="escalation_policy"),
    path("escalations/<int:pk>/", escalation_views.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/notice.pdf", escalation_views.urge_notice_pdf, name="urge_notice_pdf"),
    path("inbox/", notification_views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", notification_views.notification_open, name="notification_open"),
    path("inbox/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("inbox/read-all/", notification_views.notifications_read_all, name="notifications_read_all"),
]
