from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    # Public (no login): from a school's plaque page.
    path("new/<str:school_code>/", views.complaint_new, name="new"),
    path("receipt/", views.complaint_receipt, name="receipt"),
    path("status/", views.complaint_lookup, name="lookup"),
    # Staff.
    path("", views.complaint_list, name="list"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/verify/", views.complaint_verify, name="verify"),
    path("<int:pk>/close/", views.complaint_close, name="close"),
    path("<int:pk>/photo/", views.complaint_photo, name="photo"),
]
