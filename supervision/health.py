"""/healthz (the process answers) and /readyz (what it needs answers too), for load balancers and
operators: no login, JSON, 200 or 503 naming the failed check."""
import os
import shutil

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import clock

HEARTBEAT_KEY = "worker-heartbeat"
HEARTBEAT_MAX_AGE_SECONDS = 180


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _redis():
    if not settings.REDIS_URL:
        return "embedded"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    return "ok"


def _disk():
    free = shutil.disk_usage(settings.MEDIA_ROOT if os.path.isdir(settings.MEDIA_ROOT) else settings.BASE_DIR).free
    if free < settings.READYZ_MIN_FREE_BYTES:
        raise RuntimeError(f"free {free}")
    return "ok"


def _worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded"
    from django.core.cache import cache

    beat = cache.get(HEARTBEAT_KEY)
    if beat is None or (clock.now().timestamp() - beat) > HEARTBEAT_MAX_AGE_SECONDS:
        raise RuntimeError("stale")
    return "ok"


@never_cache
def readyz(request):
    checks, failed = {}, []
    for name, check in (("database", _database), ("redis", _redis), ("disk", _disk), ("worker", _worker)):
        try:
            checks[name] = check()
        except Exception:  # noqa: BLE001 — any failure of a dependency means "not ready"
            checks[name] = "fail"
            failed.append(name)
    return JsonResponse({"status": "fail" if failed else "ok", "failed": failed, "checks": checks},
                        status=503 if failed else 200)
