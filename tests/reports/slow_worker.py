"""A real Celery worker process for tests/reports/test_outbox_faults.py, which kill -9s it mid-job.

Usage: slow_worker.py <ISO instant> <real epoch seconds at that instant> <queue>. It runs on the
test's clock (time-machine from the given instant plus the real seconds since, ticking) and its plaques job renders for two minutes — long enough to be killed.
"""
import dataclasses
import datetime as dt
import os
import sys
import time
from pathlib import Path

import time_machine

instant, spawned_at, queue = dt.datetime.fromisoformat(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
time_machine.travel(instant + dt.timedelta(seconds=time.time() - spawned_at), tick=True).start()
time.time()  # time-machine ticks from the first reading, not from start()
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

import django  # noqa: E402

django.setup()

from reports.choices import JobKind  # noqa: E402
from reports.registry import JOB_SPECS  # noqa: E402
from supervision.celery import app  # noqa: E402


def slow_render(job, report):
    report(10)
    time.sleep(120)  # real seconds: time-machine moves the clock, not sleep
    raise RuntimeError("the test should have killed this worker")


JOB_SPECS[JobKind.PLAQUES] = dataclasses.replace(JOB_SPECS[JobKind.PLAQUES], render=slow_render)
app.conf.task_default_queue = queue
app.worker_main(["worker", "--pool=solo", "--concurrency=1", f"--queues={queue}", "--without-mingle",
                 "--without-gossip", "--loglevel=WARNING", f"--hostname=slow-{os.getpid()}@%h"])
