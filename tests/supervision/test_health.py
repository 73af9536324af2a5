"""/healthz and /readyz: no login, JSON, 503 naming the check that failed (a real redis-server we stop)."""
import socket
import subprocess
import time

import pytest
from django.core.cache import cache

from supervision.health import HEARTBEAT_KEY
from supervision.tasks import worker_heartbeat

PRIVPORT = 6420


def test_healthz_answers_200_json_without_login_and_without_the_database(client):
    # No django_db mark: touching the database here would fail the test.
    response = client.get("/healthz")

    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Content-Security-Policy"]


@pytest.fixture
def embedded(settings):
    """./run.sh's mode: no Redis, tasks in-process (the suite itself may run with a real broker)."""
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.mark.django_db
def test_readyz_in_embedded_mode_is_ready_and_says_embedded(client, embedded):
    body = client.get("/readyz").json()

    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "redis": "embedded", "disk": "ok", "worker": "embedded"}


@pytest.mark.django_db
def test_readyz_fails_with_disk_named_when_free_space_is_below_the_threshold(client, settings, embedded):
    settings.READYZ_MIN_FREE_BYTES = 10**18
    response = client.get("/readyz")

    assert response.status_code == 503 and response.json()["failed"] == ["disk"]


@pytest.mark.django_db
def test_readyz_with_a_broker_needs_a_fresh_worker_heartbeat(client, settings, clock):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(HEARTBEAT_KEY)
    assert client.get("/readyz").json()["failed"] == ["worker"]

    worker_heartbeat()
    assert client.get("/readyz").status_code == 200

    clock.move_to(clock.now.replace(tzinfo=None) + __import__("datetime").timedelta(minutes=4))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["worker"]


@pytest.fixture
def private_redis(tmp_path):
    proc = subprocess.Popen(["redis-server", "--port", str(PRIVPORT), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", PRIVPORT), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(5)


@pytest.mark.django_db
def test_readyz_turns_503_naming_redis_when_the_redis_server_stops(client, settings, private_redis):
    settings.REDIS_URL = f"redis://127.0.0.1:{PRIVPORT}/0"
    assert client.get("/readyz").json()["checks"]["redis"] == "ok"

    private_redis.terminate()
    private_redis.wait(5)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"]
