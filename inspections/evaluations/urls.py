from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/indicators/new/", views.indicator_edit, name="indicator_add"),
    path("schemes/<int:pk>/indicators/<int:indicator_id>/", views.indicator_edit, name="indicator_edit"),
    path("schemes/<int:pk>/indicators/<int:indicator_id>/delete/", views.indicator_delete, name="indicator_delete"),
    path("schemes/<int:pk>/import/", views.scheme_import, name="scheme_import"),
    path("schemes/<int:pk>/sheet.xlsx", views.scheme_sheet, name="scheme_sheet"),
    path("schemes/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/export.xlsx", views.round_export, name="round_export"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/score/<str:stage>/", views.entry_score, name="entry_score"),
    path("entries/<int:pk>/rectify/", views.entry_raise, name="entry_raise"),
]
