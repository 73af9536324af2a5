"""The embedded default's Celery beat: ``./run.sh`` has no broker, no worker and no ``celery beat``,
so while ``manage.py runserver`` serves, a thread runs CELERY_BEAT_SCHEDULE itself — each entry at
its crontab time in Asia/Shanghai, the task called in-process. On start it catches up on what was
due earlier today (the scheduled tasks are safe to run twice). Production runs a real ``celery
beat`` (README "Running for real"); tests never start this unless they ask for it.
"""
from __future__ import annotations

import copy
import datetime as dt
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass

from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from . import clock

logger = logging.getLogger(__name__)

# Look again at least this often (seconds), so a clock that jumped (a laptop waking up) is noticed.
MAX_SLEEP = 60.0
THREAD_NAME = "embedded-beat"


@dataclass
class Entry:
    name: str
    task: str
    schedule: BaseSchedule
    args: tuple
    kwargs: dict
    last_run_at: dt.datetime


class EmbeddedBeat:
    """The beat schedule run in a thread of this process (``start``/``stop``); ``ran`` lists
    (entry name, instant) of every run."""

    def __init__(self, schedule: dict | None = None):
        from .celery import app

        self.app = app
        # Catch up on today: an entry whose time passed since 00:00 today is due at once.
        since = clock.start_of(clock.today())
        if schedule is None:  # the workers' own watch (heartbeat, dead jobs) has no worker to watch here
            schedule = {name: spec for name, spec in settings.CELERY_BEAT_SCHEDULE.items()
                        if name not in settings.WORKER_BEAT_SCHEDULE}
        self.entries = [
            Entry(name=name, task=spec["task"], schedule=self._on_our_clock(spec["schedule"]),
                  args=tuple(spec.get("args", ())), kwargs=dict(spec.get("kwargs", {})), last_run_at=since)
            for name, spec in schedule.items()
        ]
        self.ran: list[tuple[str, dt.datetime]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _on_our_clock(self, value) -> BaseSchedule:
        # A copy of the settings' schedule that reads supervision.clock and the app's time zone.
        schedule = copy.copy(maybe_schedule(value, app=self.app))
        schedule.nowfun, schedule.app = clock.now, self.app
        return schedule

    def tick(self) -> float:
        """Run every entry that is due (in-process); seconds until one is due again."""
        waits = []
        for entry in self.entries:
            due, next_in = entry.schedule.is_due(entry.last_run_at)
            if due:
                entry.last_run_at = clock.now()
                self._run(entry)
            waits.append(next_in)
        return min(waits, default=MAX_SLEEP)

    def _run(self, entry: Entry) -> None:
        logger.info("embedded beat: running %s (%s)", entry.name, entry.task)
        try:
            self.app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs)
        except Exception:  # one failing job must not stop the others
            logger.exception("embedded beat: %s failed", entry.name)
        finally:
            self.ran.append((entry.name, clock.now()))

    def _loop(self) -> None:
        self.app.loader.import_default_modules()  # what a worker does at start: autodiscover the tasks
        try:
            while not self._stop.is_set():
                wait = self.tick()
                connections.close_all()  # this thread's connections: none is left open while it sleeps
                self._nap(min(max(wait, 1.0), MAX_SLEEP))
        finally:
            connections.close_all()

    def _nap(self, seconds: float) -> None:
        """Sleep ``seconds`` or until stopped, in naps of at most half a second. Not Event.wait with a
        timeout: under a shifted clock (Debian's faketime, a VM whose clock is set back) a timed
        condition wait can sleep for hours, and the 07:30 check would never run."""
        deadline = time.monotonic() + seconds
        while not self._stop.is_set() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.5))

    def start(self) -> EmbeddedBeat:
        self._thread = threading.Thread(target=self._loop, name=THREAD_NAME, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def should_start(argv: list[str] | None = None, environ=None) -> bool:
    """Only in the process that serves ``manage.py runserver`` (with the autoreloader, its child),
    and only when scheduled work has no real beat (EMBEDDED_BEAT: by default, tasks run in-process)."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if not settings.EMBEDDED_BEAT or len(argv) < 2 or argv[1] != "runserver":
        return False
    return environ.get(DJANGO_AUTORELOAD_ENV) == "true" or "--noreload" in argv


_started: EmbeddedBeat | None = None


def start_if_serving() -> EmbeddedBeat | None:
    """Called once the apps are ready; starts the embedded beat at most once per process."""
    global _started
    if _started is None and should_start():
        _started = EmbeddedBeat().start()
    return _started
