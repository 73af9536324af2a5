"""The Celery app (cookiecutter-django layout): settings under the CELERY_ namespace."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

app = Celery("supervision")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The packages of the inspections app keep their own tasks modules.
app.autodiscover_tasks(["inspections.escalations", "inspections.notifications"])
