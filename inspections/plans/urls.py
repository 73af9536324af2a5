"""Annual plans (工作计划) and checklist templates."""
from django.urls import path

from inspections.plans import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/months/<int:month>/", views.plan_month_edit, name="plan_month_edit"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/ensure/", views.template_ensure, name="template_ensure"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/items/new/", views.template_item_edit, name="template_item_add"),
    path("templates/<int:pk>/items/<int:item_pk>/", views.template_item_edit, name="template_item_edit"),
    path("templates/<int:pk>/items/<int:item_pk>/delete/", views.template_item_delete, name="template_item_delete"),
    path("templates/<int:pk>/items/<int:item_pk>/move/", views.template_item_move, name="template_item_move"),
]
