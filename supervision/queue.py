"""Queueing work for the Celery worker — the one way a service hands work on.

A service names the task (its explicit ``name=``) instead of importing it: the task module imports
the service it wraps, so the service importing the task back would close an import circle. The name
is looked up in the app's registry, discovering the task modules first as a worker does at start.
With eager Celery (the development default) the task runs here and now.
"""
from __future__ import annotations

from celery import Task
from django.db import transaction

from .celery import app


def task(name: str) -> Task:
    """The registered task called ``name``."""
    if name not in app.tasks:
        app.loader.import_default_modules()  # autodiscover, as a worker does at start
    return app.tasks[name]


def enqueue(name: str, *args, **kwargs):
    """Send the task to the broker now (raises when the broker is down: the caller decides)."""
    return task(name).delay(*args, **kwargs)


def enqueue_on_commit(name: str, *args, **kwargs) -> None:
    """Send the task once the transaction commits: nothing is queued for a rolled-back change, and
    a broker failure never undoes the user's action (``robust``: logged, not raised)."""
    transaction.on_commit(lambda: enqueue(name, *args, **kwargs), robust=True)
