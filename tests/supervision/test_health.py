"""/healthz and /readyz: no login, JSON, 503 naming the check that failed (a real redis-server we stop)."""
import pytest
from django.core.cache import cache

from supervision.health import HEARTBEAT_KEY
from supervision.tasks import worker_heartbeat


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


@pytest.mark.django_db
def test_readyz_turns_503_naming_redis_when_the_redis_server_stops(client, settings, private_redis):
    settings.REDIS_URL = private_redis.url  # a redis-server of its own (tests/redis_server.py)
    assert client.get("/readyz").json()["checks"]["redis"] == "ok"

    private_redis.stop()
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"]
