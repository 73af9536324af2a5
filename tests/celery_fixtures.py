"""Celery and media fixtures for the whole suite. A real Celery worker over Redis for tests marked ``@pytest.mark.celery``.

The worker runs in a thread of the test process (``celery.contrib.testing.worker.start_worker``,
solo pool), consuming from a queue of its own on a Redis database kept for tests, so parallel
runs cannot steal each other's messages. The worker thread opens its own database connection,
so such tests must use ``@pytest.mark.django_db(transaction=True)``: data is committed and
visible to it. No Redis means a failed test, not a skipped one (CI runs Redis).
"""
import contextlib
import os
import uuid
from pathlib import Path

import kombu.pools
import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.db import connection, connections
from django.db.backends.signals import connection_created

from supervision.celery import app as celery_app

CELERY_TEST_REDIS_URL = os.environ.get("CELERY_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _require_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        pytest.fail(
            f"Redis is not reachable at {url} ({exc}). The @pytest.mark.celery tests run a real worker over "
            "Redis: start redis-server (CI runs one) or point CELERY_TEST_REDIS_URL at one.",
            pytrace=False,
        )


def _sqlite_read_uncommitted(connection, **kwargs):
    # SQLite's in-memory test database is shared between threads in shared-cache mode, where a
    # reader's table lock makes the other thread's write fail at once ("database table is
    # locked") instead of waiting. Readers that take no table locks avoid that; PostgreSQL
    # needs nothing of the kind.
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA read_uncommitted = 1")


def _close_worker_db_connections(**kwargs):
    # Runs in the worker thread after each task: leave no connection behind that would keep
    # PostgreSQL from dropping the test database.
    connections.close_all()


@contextlib.contextmanager
def celery_configured(**overrides):
    """Run with these Celery settings on the project's app, then put the old ones back."""
    saved = {key: celery_app.conf[key] for key in overrides}
    celery_app.conf.update(overrides)
    _reset_connections()
    try:
        yield celery_app
    finally:
        celery_app.conf.update(saved)
        _reset_connections()


@contextlib.contextmanager
def worker_on(url: str, queue: str | None = None):
    """The project's Celery app pointed at the Redis ``url``, not eager, with a worker thread
    consuming ``queue`` (by default one of its own) while the block runs."""
    signals.task_postrun.connect(_close_worker_db_connections, dispatch_uid="tests-close-worker-db", weak=False)
    connection_created.connect(_sqlite_read_uncommitted, dispatch_uid="tests-sqlite-read-uncommitted", weak=False)
    _sqlite_read_uncommitted(connection)  # this thread's connection is already open
    try:
        with celery_configured(
            broker_url=url,
            result_backend=url,
            task_always_eager=False,
            task_default_queue=queue or f"test-{uuid.uuid4().hex}",
            worker_hijack_root_logger=False,
            broker_connection_retry_on_startup=False,
        ) as app, start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60) as worker:
            yield worker
    finally:
        signals.task_postrun.disconnect(dispatch_uid="tests-close-worker-db")
        connection_created.disconnect(dispatch_uid="tests-sqlite-read-uncommitted")


@pytest.fixture
def celery_worker():
    """Point the project's Celery app at Redis, not eager, and run a worker thread for the test."""
    _require_redis(CELERY_TEST_REDIS_URL)
    with worker_on(CELERY_TEST_REDIS_URL) as worker:
        yield worker


@pytest.fixture
def celery_broker_down():
    """Tasks are sent to a broker nobody listens on (a closed local port), without publish retries."""
    with celery_configured(
        broker_url="redis://127.0.0.1:1/0",
        task_always_eager=False,
        task_publish_retry=False,
        broker_connection_timeout=1,
        broker_connection_max_retries=0,
    ) as app:
        yield app


def _reset_connections():
    # The app caches its broker pool, queue table, router and result backend: rebuild them from the conf.
    kombu.pools.reset()  # closes and forgets every pooled broker connection and producer
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """A worker for tests marked ``celery``; the others run tasks in-process (eager), as in
    development — also when REDIS_URL is set, as in CI, where nothing would consume them."""
    if request.node.get_closest_marker("celery"):
        request.getfixturevalue("celery_worker")
        yield
    else:
        with celery_configured(task_always_eager=True):
            yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Produced files go to a fresh folder per test (also seen by the worker thread)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def unwritable_media_root(settings, tmp_path) -> None:
    """A MEDIA_ROOT below a plain file: storing the result really fails (no mock involved)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker / "media")
