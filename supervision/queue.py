"""Finding a Celery task by name; services hand work on through ``supervision.outbox.enqueue``.

A service names the task (its explicit ``name=``) instead of importing it: the task module imports
the service it wraps, so the service importing the task back would close an import circle. The name
is looked up in the app's registry, discovering the task modules first as a worker does at start.
"""
from __future__ import annotations

from celery import Task

from .celery import app


def task(name: str) -> Task:
    """The registered task called ``name``."""
    if name not in app.tasks:
        app.loader.import_default_modules()  # autodiscover, as a worker does at start
    return app.tasks[name]

