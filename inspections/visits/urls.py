"""Visits and their checklists: start, the phone checklist page and its autosave endpoints."""
from django.urls import path

from inspections.visits import views

urlpatterns = [
    path("visits/start/", views.visit_start, name="visit_start"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/header/", views.visit_header_save, name="visit_header_save"),
    path("visits/<int:pk>/items/<int:answer_pk>/", views.answer_save, name="answer_save"),
    path("visits/<int:pk>/items/<int:answer_pk>/photos/", views.photo_upload, name="photo_upload"),
    path("visits/<int:pk>/items/<int:answer_pk>/problems/", views.problem_add, name="problem_add"),
    path("visits/<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
    path("visits/<int:pk>/problems/<int:problem_pk>/delete/", views.problem_delete, name="problem_delete"),
    path("visits/<int:pk>/rechecks/<int:problem_pk>/", views.recheck_save, name="recheck_save"),
    path("visits/<int:pk>/submit/", views.checklist_submit, name="checklist_submit"),
    path("visits/<int:pk>/reopen/", views.checklist_reopen, name="checklist_reopen"),
    path("visits/<int:pk>/discard/", views.visit_discard, name="visit_discard"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
