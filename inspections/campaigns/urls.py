from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/items/", views.campaign_items, name="items"),
    path("<int:pk>/items/<int:item_pk>/delete/", views.campaign_item_delete, name="item_delete"),
    path("<int:pk>/visits/start/", views.campaign_visit_start, name="visit_start"),
    path("<int:pk>/report/", views.campaign_report, name="report"),
    path("<int:pk>/report/<str:kind>/", views.campaign_report_start, name="report_start"),
]
