from django.urls import path

from . import views

app_name = "annual"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:office_pk>/<int:year>/", views.summary, name="summary"),
    path("<int:office_pk>/<int:year>/zones/<int:zone_pk>/", views.summary, name="zone_summary"),
    path("<int:office_pk>/<int:year>/pdf/", views.pdf_start, name="pdf_start"),
    path("<int:office_pk>/<int:year>/zones/<int:zone_pk>/pdf/", views.pdf_start, name="zone_pdf_start"),
    path("pdf/<int:job_pk>/", views.pdf_download, name="pdf_download"),
]
