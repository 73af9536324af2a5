from django.urls import path

from . import plaque_views, views

app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("new/", views.school_edit, name="create"),
    path("mine/", views.my_school, name="my_school"),
    path("<int:pk>/", views.school_detail, name="detail"),
    path("<int:pk>/edit/", views.school_edit, name="edit"),
    path("plaque/<str:code>/", plaque_views.plaque, name="plaque"),
    path("plaque/<str:code>/poster.pdf", plaque_views.plaque_poster, name="plaque_poster"),
]
