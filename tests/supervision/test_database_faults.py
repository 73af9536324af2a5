"""PostgreSQL drops the app's connection (pg_terminate_backend from a second connection, as a restart
or failover does): the next request is served on a new connection, and a transaction cut off
half-way leaves nothing behind — not the job without its outbox message, nor the message alone."""
import psycopg2
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from reports.choices import JobKind, JobStatus
from reports.models import Job
from supervision import outbox
from supervision.models import OutboxMessage

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def admin_connection():
    """A second, plain psycopg2 connection to the test database (the DBA's)."""
    s = connection.settings_dict
    other = psycopg2.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None,
                             host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432)
    other.autocommit = True
    yield other
    other.close()


def _terminate_apps_connection(admin_connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with admin_connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone() == (True,)


def _count(admin_connection, table: str) -> int:
    with admin_connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 — table names from the models
        return cursor.fetchone()[0]


def _served(client, path: str) -> tuple[int, str]:
    """GET ``path`` through Django's WSGI handler, as gunicorn serves it: unlike the test client, it
    runs the request-start hook (close_old_connections) where a dropped connection is found."""
    environ = RequestFactory().get(path).environ
    environ["HTTP_COOKIE"] = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    status = []
    response = WSGIHandler()(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        body = b"".join(response).decode()
    finally:
        response.close()
    return int(status[0].split()[0]), body


def test_after_postgresql_drops_the_connection_the_next_request_succeeds(client, world, admin_connection):
    client.force_login(world["admin_a"])
    page = reverse("reports:submission_list")
    assert _served(client, page)[0] == 200
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] and connection.connection is not None  # kept, not closed

    _terminate_apps_connection(admin_connection)
    status, body = _served(client, page)

    assert status == 200 and "报送" in body
    # And writes go through on the new connection: a job and its outbox message, run in-process.
    response = client.post(reverse("reports:plaques_start"), {"office": world["county_a"].pk})
    assert response.status_code == 302
    assert Job.objects.get().status == JobStatus.SUCCEEDED
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_transaction_cut_off_by_postgresql_leaves_neither_the_job_nor_its_message(world, admin_connection):
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            job = Job.objects.create(kind=JobKind.PLAQUES, office=world["county_a"], params={}, params_key="k")
            outbox.enqueue("reports.job_run", job.pk)
            _terminate_apps_connection(admin_connection)

    assert _count(admin_connection, Job._meta.db_table) == 0
    assert _count(admin_connection, OutboxMessage._meta.db_table) == 0
    connection.close()  # what the next request's start does with a connection that failed
    assert Job.objects.count() == 0 and OutboxMessage.objects.count() == 0
