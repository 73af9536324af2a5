"""The ledger (台账) of rectification tickets, its Excel export, and 回头看."""
from django.urls import path

from inspections.ledger import views

urlpatterns = [
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
    path("ledger/import/", views.ledger_import_page, name="ledger_import"),
    path("lookback/", views.lookback, name="lookback"),
]
