"""Schemathesis over the API's own OpenAPI schema, in process (WSGI, no server), as an office admin,
a supervisor and a school contact: no answer is a server error, every answer is one the schema
documents (its status code and its body). A failure here is fixed in the code or in the schema,
not here."""
import json

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from supervision.accounts.services import token_create
from inspections.models import ChecklistTemplate, Notification, Plan, Ticket

from . import factories as f
from .api_support import user_of
from .conftest import DEFAULT_NOW, shanghai, world_build
from .inspections.campaigns.factories import campaign_made
from .inspections.cases.factories import case_made
from .inspections.complaints.factories import complaint_made

APP = get_wsgi_application()
# Bounded and repeatable: three generated cases an operation, the same ones every run. No coverage
# phase (hundreds of boundary cases an operation), our own login header instead of generated ones.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict({
    "generation": {"mode": "positive", "max-examples": 3, "deterministic": True, "with-security-parameters": False},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
})
# The schema /api/schema/ serves, built the same way (the endpoint itself needs a login).
schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))), config=CONFIG
)
ROLES = ["school_user_a1", "sup_a1", "admin_a"]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def seeded(world) -> dict:
    """The ids an ``{id}`` of each resource takes: real rows the roles may (or may not) see, so the
    answers checked are real answers and not only 404s."""
    sup = world["sup_a1"].user
    submitted = f.visit_filled(user=sup, school=world["schools"]["a1"], problems=2)
    draft = f.visit_filled(user=sup, school=world["schools"]["a2"], problems=1, submit=False)
    ticket = Ticket.objects.filter(problem__visit=submitted).order_by("pk").first()
    return {
        "/api/v1/offices/": world["county_a"].pk,
        "/api/v1/zones/": world["zone_a1"].pk,
        "/api/v1/schools/": world["schools"]["a1"].pk,
        "/api/v1/supervisors/": world["sup_a1"].pk,
        "/api/v1/users/": world["director_a"].pk,
        "/api/v1/visits/": draft.pk,
        "/api/v1/tickets/": ticket.pk,
        "/api/v1/problems/": ticket.problem_id,
        "/api/v1/cases/": case_made(author=sup).pk,
        "/api/v1/complaints/": complaint_made(school=world["schools"]["a1"]).pk,
        "/api/v1/campaigns/": campaign_made(world).pk,
        "/api/v1/plans/": Plan.objects.filter(office=world["county_a"]).values_list("pk", flat=True).first(),
        "/api/v1/checklist-templates/": ChecklistTemplate.objects.filter(office=world["county_a"])
        .values_list("pk", flat=True).first(),
        "/api/v1/notifications/": Notification.objects.order_by("pk").values_list("pk", flat=True).first(),
    }


@pytest.fixture(scope="module")
def _connection_kept():
    """The WSGI handler closes the database connection at the end of each request (CONN_MAX_AGE 0):
    inside the test's transaction that would end it. Django's test client does the same as this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker, _connection_kept):
    """One world for the module (building it for each of ~150 operations would take minutes), at the
    suite's instant, undone at the end; each operation's writes are undone after it (pytest-django)."""
    with django_db_blocker.unblock(), time_machine.travel(shanghai(DEFAULT_NOW), tick=True):
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            with transaction.atomic():
                world = world_build()
                ids = {key: value for key, value in seeded(world).items() if value is not None}
                tokens = {role: token_create(owner=user_of(world, role), name="fuzz")[1] for role in ROLES}
                yield {"ids": ids, "tokens": tokens}
                transaction.set_rollback(True)


@pytest.fixture
def known(county, db):
    return county


@schema.parametrize()
@settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_answer_is_documented_and_no_server_error(case, known):
    prefix = case.operation.path.split("{id}")[0]
    if "id" in (case.path_parameters or {}) and prefix in known["ids"]:
        case.path_parameters["id"] = known["ids"][prefix]
    for role in ROLES:
        case.call_and_validate(app=APP, headers={"Authorization": f"Token {known['tokens'][role]}"}, checks=CHECKS)
