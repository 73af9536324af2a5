from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("locked/", views.locked_list, name="locked_list"),
    path("locked/unlock/", views.locked_unlock, name="locked_unlock"),
]
