"""The access-control matrix (等保 2.0 三级, 访问控制): every route of the project — page, download
and API — asked for by every role, for the records of its own county and of the neighbouring one.

The matrix is generated: the routes come from the URL resolver (the API router's included), each
route's ids are filled from the records of tests/access_world.py, and what each role may do is read
from the small tables below, stated in terms of who owns the record (its county, its zone, its
school) — never by asking ``supervision.access``, which is what is under test. A route without a
rule fails ``test_every_route_has_a_rule``: add it to ``ROUTES`` or, with a reason, to ``UNCHECKED``.

Reading: a role the table names opens the record (200, or a redirect); anybody else gets 403 or 404
(405 for a method the route does not take), never the record, never a 500, and an outsider's answer
never names the other county. Writing (POST/PATCH/PUT/DELETE with an empty body): a role that may
not write is refused the same way; one that may is only asked not to crash (an empty body is a 400,
a locked record a 400 or 404 — both fine)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.access_world import MARKS, county_records, people

pytestmark = pytest.mark.django_db

# --- Who stands where to a record of county X ---------------------------------------------------
# admin / director / auditor: of county X; sup: the lead supervisor of the record's zone; sup_other:
# a supervisor of another zone of X; school: the record's school's contact; school_other: another
# school's of X; higher: the city's and the province's viewers; outsider: anyone of the other county.
ADMIN, DIRECTOR, AUDITOR, SUP, SUP_OTHER, SCHOOL, SCHOOL_OTHER, HIGHER, OUTSIDER, ANON = (
    "admin", "director", "auditor", "sup", "sup_other", "school", "school_other", "higher", "outsider", "anon",
)
RELATION = {
    "admin_{}": ADMIN, "director_{}": DIRECTOR, "auditor_{}": AUDITOR, "sup_{}1": SUP, "sup_{}2": SUP_OTHER,
    "school_{}1": SCHOOL, "school_{}3": SCHOOL_OTHER,
}
OFFICE = frozenset({ADMIN, DIRECTOR, HIGHER})  # the office's roles and the offices above it
PUBLIC = frozenset({ADMIN, DIRECTOR, AUDITOR, SUP, SUP_OTHER, SCHOOL, SCHOOL_OTHER, HIGHER, OUTSIDER, ANON})
NOBODY = frozenset()


def relation(user_key: str, county: str) -> str:
    if user_key == "anon":
        return ANON
    if user_key.endswith("_viewer"):
        return HIGHER
    for pattern, rel in RELATION.items():
        if user_key == pattern.format(county):
            return rel
    return OUTSIDER


# --- Who reads each kind of record, and who writes it (unless a route says otherwise) ---------------
# (record, readers, writers): from DOMAIN.md "Who is who" and each app's rule in its docstrings.
RECORDS: dict[str, tuple[frozenset, frozenset]] = {
    "office": (OFFICE | {SUP, SUP_OTHER, SCHOOL, SCHOOL_OTHER}, frozenset({ADMIN})),
    "zone": (OFFICE | {SUP}, frozenset({ADMIN})),
    "school": (OFFICE | {SUP, SCHOOL}, frozenset({ADMIN})),
    "supervisor": (OFFICE | {SUP}, frozenset({ADMIN})),
    "user": (frozenset({ADMIN}), frozenset({ADMIN})),
    "token": (NOBODY, NOBODY),  # the spare account's API token: its owner's alone (the admin's routes are by user)
    "plan": (OFFICE | {SUP, SUP_OTHER}, frozenset({ADMIN, DIRECTOR})),
    "template": (OFFICE | {SUP, SUP_OTHER}, frozenset({ADMIN, DIRECTOR})),
    "visit": (OFFICE | {SUP, SCHOOL}, frozenset({SUP})),
    "draft": (OFFICE | {SUP}, frozenset({SUP})),
    "special": (OFFICE | {SUP}, frozenset({SUP})),
    "photo": (OFFICE | {SUP, SCHOOL}, frozenset({SUP})),
    "problem": (OFFICE | {SUP, SCHOOL}, frozenset({SUP})),
    "ticket": (OFFICE | {SUP, SCHOOL}, frozenset({ADMIN, SUP, SCHOOL})),  # the admin enters the past (补录)
    "evidence": (frozenset({SCHOOL}), frozenset({SCHOOL})),  # of a draft report: the school's alone until submitted
    "submitted_evidence": (OFFICE | {SUP, SCHOOL}, NOBODY),
    "recheck_photo": (OFFICE | {SUP, SCHOOL}, frozenset({SUP})),
    "escalation": (OFFICE, frozenset({DIRECTOR})),  # the office's list; the school reads its notice
    "notification": (frozenset({SCHOOL}), frozenset({SCHOOL})),  # the school contact's own inbox
    "complaint": (OFFICE | {SUP}, frozenset({ADMIN, DIRECTOR, SUP})),
    "case": (frozenset({ADMIN, DIRECTOR, SUP}), frozenset({ADMIN, DIRECTOR, SUP})),  # submitted, not recommended
    "attachment": (frozenset({ADMIN, DIRECTOR, SUP}), NOBODY),
    "survey": (OFFICE | {SCHOOL}, frozenset({ADMIN, DIRECTOR})),
    "campaign": (OFFICE | {SUP}, frozenset({ADMIN})),  # sup is on its team
    "scheme": (OFFICE | {SUP, SUP_OTHER}, frozenset({ADMIN})),
    "round": (OFFICE | {SUP, SUP_OTHER}, frozenset({ADMIN})),  # a target round: the school reads its entry
    "entry": (OFFICE | {SUP, SUP_OTHER, SCHOOL}, frozenset({ADMIN, SUP, SUP_OTHER, SCHOOL})),
    "summary": (OFFICE | {SUP}, frozenset({SUP})),  # submitted; a draft is its author's
    "monthly": (OFFICE | {SUP}, frozenset({ADMIN, SUP})),  # the lead files; the admin files the past (补录)
    "annual": (OFFICE, frozenset({ADMIN, DIRECTOR})),
    "job": (OFFICE, frozenset({ADMIN, DIRECTOR})),
    "submission": (OFFICE, frozenset({ADMIN, DIRECTOR})),
}


@dataclass(frozen=True)
class Rule:
    """A route's record (its first id), how its other ids are filled, and whether it only writes."""

    record: str
    ids: tuple[tuple[str, str], ...] = ()
    write: bool = False  # a page that exists to change the record (its GET shows the form)
    readers: frozenset | None = None  # instead of the record's
    writers: frozenset | None = None


def r(record, write=False, readers=None, writers=None, **ids):
    return Rule(record, tuple(ids.items()), write, readers, writers)


SUP_DRAFT = dict(answer_pk="draft_answer", photo_pk="draft_photo", problem_pk="draft_problem")
LEAD = frozenset({ADMIN, DIRECTOR, SUP})

# Every route with an id, by URL name (the API's by its router name).
ROUTES: dict[str, Rule] = {
    # The office's set-up (supervision/views.py).
    "office_settings": r("office", write=True),
    "zone_detail": r("zone"),
    "zone_edit": r("zone", write=True),
    "zone_assign_schools": r("zone", write=True),
    "zone_assign_supervisors": r("zone", write=True),
    "supervisor_edit": r("supervisor", write=True),
    "user_password_reset": r("user", write=True),
    "user_backfill": r("user", write=True),
    "accounts:user_tokens": r("user"),
    "accounts:user_token_revoke": r("user", write=True, user_pk="user", pk="token"),
    "accounts:token_revoke": r("token", write=True),
    "schools:detail": r("school"),
    "schools:edit": r("school", write=True),
    # The plan and templates.
    "inspections:plan_detail": r("plan"),
    "inspections:plan_edit": r("plan", write=True),
    "inspections:plan_month_edit": r("plan", write=True),
    "inspections:template_detail": r("template"),
    "inspections:template_item_add": r("template", write=True),
    "inspections:template_item_edit": r("template", write=True),
    "inspections:template_item_delete": r("template", write=True),
    "inspections:template_item_move": r("template", write=True),
    # A visit and its checklist: the submitted one is read, the draft is written.
    "inspections:visit_detail": r("visit"),
    "inspections:visit_header_save": r("draft", write=True),
    "inspections:answer_save": r("draft", write=True, **SUP_DRAFT),
    "inspections:photo_upload": r("draft", write=True, **SUP_DRAFT),
    "inspections:problem_add": r("draft", write=True, **SUP_DRAFT),
    "inspections:photo_delete": r("draft", write=True, **SUP_DRAFT),
    "inspections:problem_delete": r("draft", write=True, **SUP_DRAFT),
    "inspections:recheck_save": r("draft", write=True),
    "inspections:checklist_submit": r("draft", write=True),
    "inspections:checklist_reopen": r("visit", write=True, writers=frozenset({ADMIN, SUP})),
    "inspections:visit_discard": r("draft", write=True),
    "inspections:photo": r("photo"),
    "inspections:summary_detail": r("summary"),
    # Rectification.
    "inspections:escalation_detail": r("escalation"),
    "inspections:urge_notice_pdf": r("escalation", readers=OFFICE | {SUP, SCHOOL}),
    "inspections:notification_open": r("notification", write=True),
    "inspections:notification_read": r("notification", write=True),
    "inspections:ticket_detail": r("ticket"),
    "inspections:ticket_start": r("ticket", write=True, writers=frozenset({ADMIN, SCHOOL})),
    "inspections:ticket_report": r("ticket", write=True, writers=frozenset({ADMIN, SCHOOL})),
    "inspections:extension_request": r("ticket", write=True, writers=frozenset({ADMIN, SCHOOL})),
    "inspections:extension_decide": r("ticket", write=True, writers=frozenset({ADMIN, SUP})),
    "inspections:ticket_recheck": r("ticket", write=True, writers=frozenset({ADMIN, SUP})),
    "inspections:evidence_download": r("submitted_evidence"),
    "inspections:recheck_photo": r("recheck_photo"),
    # Campaigns (专项督导).
    "campaigns:detail": r("campaign"),
    "campaigns:items": r("campaign", write=True),
    "campaigns:item_delete": r("campaign", write=True, item_pk="campaign_item"),
    "campaigns:visit_start": r("campaign", write=True, writers=frozenset({SUP})),
    "campaigns:report": r("campaign", write=True, writers=OFFICE),
    "campaigns:report_start": r("campaign", write=True),
    # Evaluations.
    "evaluations:scheme_detail": r("scheme"),
    "evaluations:scheme_edit": r("scheme", write=True),
    "evaluations:indicator_add": r("scheme", write=True),
    "evaluations:indicator_edit": r("scheme", write=True),
    "evaluations:indicator_delete": r("scheme", write=True),
    "evaluations:scheme_import": r("scheme", write=True),
    "evaluations:scheme_sheet": r("scheme"),
    "evaluations:round_create": r("scheme", write=True),
    "evaluations:round_detail": r("round"),
    "evaluations:round_export": r("round"),
    "evaluations:entry_detail": r("entry"),
    "evaluations:entry_score": r("entry", write=True, writers=frozenset({ADMIN, SUP, SUP_OTHER})),
    "evaluations:entry_raise": r("entry", write=True, writers=frozenset({ADMIN})),
    # Surveys.
    "surveys:detail": r("survey"),
    "surveys:edit": r("survey", write=True),
    "surveys:question_add": r("survey", write=True),
    "surveys:question_edit": r("survey", write=True),
    "surveys:question_delete": r("survey", write=True),
    "surveys:question_move": r("survey", write=True),
    "surveys:publish": r("survey", write=True),
    "surveys:close": r("survey", write=True),
    "surveys:copy": r("survey", write=True),
    "surveys:results": r("survey"),
    "surveys:report": r("survey", write=True),
    "surveys:posters": r("survey", write=True),
    "surveys:link": r("survey"),
    "surveys:link_poster": r("survey"),
    "surveys:link_codes": r("survey", write=True),
    "surveys:link_codes_xlsx": r("survey", write=True),
    # Cases.
    "cases:detail": r("case"),
    "cases:edit": r("case", write=True, writers=frozenset({SUP})),
    "cases:submit": r("case", write=True, writers=frozenset({SUP})),
    "cases:review": r("case", write=True, writers=frozenset({ADMIN, DIRECTOR})),
    "cases:attachment": r("attachment"),
    # Complaints.
    "complaints:detail": r("complaint"),
    "complaints:verify": r("complaint", write=True),
    "complaints:close": r("complaint", write=True),
    "complaints:photo": r("complaint"),
    # Reports.
    "monthly_reports:zone_month": r("zone", readers=OFFICE | {SUP}),
    "monthly_reports:zone_month_build": r("zone", write=True, writers=LEAD),
    "monthly_reports:report_file": r("monthly", write=True),
    "monthly_reports:report_excel": r("monthly", write=True, writers=LEAD),
    "monthly_reports:rollup_excel": r("office", write=True, writers=frozenset({ADMIN, DIRECTOR})),
    "annual:summary": r("office", readers=OFFICE, writers=frozenset({ADMIN, DIRECTOR})),
    "annual:zone_summary": r("office", readers=OFFICE | {SUP}, writers=LEAD),
    "annual:pdf_start": r("office", write=True, writers=frozenset({ADMIN, DIRECTOR})),
    "annual:zone_pdf_start": r("office", write=True, writers=LEAD),
    "annual:pdf_download": r("job", readers=NOBODY),  # the plaques job is no year-end PDF: 404 for all
    "reports:job_detail": r("job"),
    "reports:job_download": r("job"),
    "reports:job_restart": r("job", write=True),
    "reports:submission_detail": r("submission"),
    "dashboard:zone": r("zone", readers=OFFICE | {SUP}),
    "dashboard:school": r("school", readers=OFFICE | {SUP}),
    # The API (supervision/api_urls.py): reading is GET, everything else writes.
    "office-detail": r("office"),
    "zone-detail": r("zone"),
    "zone-history": r("zone"),
    "zone-schools": r("zone"),
    "zone-supervisors": r("zone"),
    "supervisor-detail": r("supervisor"),
    "user-detail": r("user"),
    "user-backfill": r("user"),
    "user-deactivate": r("user"),
    "user-grant": r("user"),
    "user-password": r("user"),
    "user-reset-password": r("user"),
    "user-revoke": r("user"),
    "user-tokens": r("user"),
    "user-token-revoke": r("user", token_id="token"),
    "api-token-own-detail": r("token"),
    "school-detail": r("school"),
    "school-close": r("school"),
    "school-history": r("school"),
    "school-move": r("school"),
    "school-reopen": r("school"),
    "plan-detail": r("plan"),
    "plan-months": r("plan"),
    "checklist-template-detail": r("template"),
    "checklist-template-add-item": r("template"),
    "checklist-template-item": r("template"),
    "visit-detail": r("visit"),
    "visit-answer": r("draft", answer_id="draft_answer"),
    "visit-photo": r("draft", photo_id="draft_photo"),
    "visit-photos": r("draft", answer_id="draft_answer"),
    "visit-problem": r("draft", problem_id="draft_problem"),
    "visit-problems": r("draft", answer_id="draft_answer"),
    "visit-rechecks": r("draft"),
    "visit-reopen": r("visit", writers=frozenset({ADMIN, SUP})),
    "visit-submit": r("draft"),
    "problem-detail": r("problem"),
    "monthly-summary-detail": r("summary"),
    "ticket-detail": r("ticket"),
    "ticket-close": r("ticket", writers=frozenset({ADMIN, SUP})),
    "ticket-decide": r("ticket", writers=frozenset({ADMIN, SUP})),
    "ticket-evidence": r("ticket", writers=frozenset({ADMIN, SCHOOL})),
    "ticket-evidence-item": r("ticket", writers=frozenset({ADMIN, SCHOOL})),
    "ticket-extensions": r("ticket", writers=frozenset({ADMIN, SCHOOL})),
    "ticket-recheck": r("ticket", writers=frozenset({ADMIN, SUP})),
    "ticket-report": r("ticket", writers=frozenset({ADMIN, SCHOOL})),
    "ticket-return-ticket": r("ticket", writers=frozenset({ADMIN, SUP})),
    "ticket-start": r("ticket", writers=frozenset({ADMIN, SCHOOL})),
    "notification-detail": r("notification"),
    "notification-read": r("notification"),
    "campaign-detail": r("campaign"),
    "campaign-schools": r("campaign"),
    "evaluation-scheme-detail": r("scheme"),
    "evaluation-scheme-add-indicator": r("scheme"),
    "evaluation-scheme-indicator": r("scheme"),
    "evaluation-round-detail": r("round"),
    "evaluation-round-results": r("round"),
    "evaluation-entry-detail": r("entry"),
    "evaluation-entry-rectify": r("entry", writers=frozenset({ADMIN})),
    "evaluation-entry-scores": r("entry", writers=frozenset({ADMIN, SUP, SUP_OTHER})),
    "assessment-detail": r("round"),
    "assessment-results": r("round"),
    "survey-detail": r("survey"),
    "survey-close": r("survey"),
    "survey-codes": r("survey"),
    "survey-copy": r("survey"),
    "survey-publish": r("survey"),
    "survey-question": r("survey"),
    "survey-question-move": r("survey"),
    "survey-questions": r("survey"),
    "survey-results": r("survey"),
    "case-detail": r("case", writers=frozenset({SUP})),
    "case-attachments": r("case", writers=frozenset({SUP})),
    "case-review": r("case", writers=frozenset({ADMIN, DIRECTOR})),
    "case-submit": r("case", writers=frozenset({SUP})),
    "complaint-detail": r("complaint"),
    "complaint-close": r("complaint"),
    "complaint-verify": r("complaint"),
    "report-job-detail": r("job"),
    "submission-detail": r("submission"),
    "monthly-report-detail": r("monthly"),
    "monthly-report-file": r("monthly"),
    "annual-summary-detail": r("annual"),
}

# Routes the matrix does not ask by id, each with its reason.
UNCHECKED: dict[str, str] = {
    "password_reset_confirm": "a signed one-time link from the reset e-mail, no record id",
    "supervisor_photo": "public by design: the supervisor's photo on the school's 挂牌督导公示牌",
    "schools:plaque": "public by design: the 公示牌 page a parent opens from the QR code",
    "schools:plaque_poster": "public by design: the 公示牌 poster of that page",
    "surveys:answer": "public by design: the questionnaire a parent opens from the survey link",
    "surveys:answer_done": "public by design: the thank-you page after answering",
    "complaints:new": "public by design: the 举报投诉 form a parent opens from the 公示牌",
}

# The id each other keyword of a route stands for (a route's own ``ids`` come first).
KWARGS = {
    "answer_pk": "answer", "answer_id": "answer", "photo_pk": "photo", "photo_id": "photo",
    "problem_pk": "problem", "problem_id": "problem", "extension_pk": "extension", "extension_id": "extension",
    "evidence_id": "evidence", "indicator_id": "indicator", "qid": "question", "question_id": "question",
    "link_id": "link", "zone_id": "zone", "zone_pk": "zone", "office_id": "office", "office_pk": "office",
    "job_pk": "job", "item_pk": "template_item", "item_id": "template_item",
}
CONSTANTS = {"stage": "county", "kind": "excel"}
# Keywords that pick no record: filled with the records' year and month.
PERIOD = {"year", "month"}
SKIP_PREFIXES = ("admin/",)  # Django's admin: staff only (no role is staff), guarded by Django itself


@dataclass(frozen=True)
class Route:
    name: str
    regex: str
    keywords: tuple[str, ...]
    methods: tuple[str, ...]  # the API's methods; pages are asked GET and POST
    page: bool


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}:{p.name}" if namespace and p.name else p.name), p


def project_routes() -> list[Route]:
    """Every route of the project, the API router's included (its ``.<format>`` twins left out)."""
    routes = {}
    for regex, name, pattern in walk(get_resolver().url_patterns):
        if regex.startswith(SKIP_PREFIXES) or "format" in pattern.pattern.regex.groupindex or not name:
            continue
        actions = getattr(pattern.callback, "actions", None)
        # DRF adds "head" to a viewset's actions at its first GET: a read like GET, not asked apart.
        methods = tuple(sorted(m.upper() for m in actions if m != "head")) if actions else ("GET", "POST")
        if "PATCH" in methods:  # PUT asks the same question with a fuller body
            methods = tuple(m for m in methods if m != "PUT")
        routes[name] = Route(name, regex, tuple(pattern.pattern.regex.groupindex), methods, not actions)
    return sorted(routes.values(), key=lambda route: route.name)


def needs_record(route: Route) -> bool:
    return bool(set(route.keywords) - PERIOD)


# --- Asking ---------------------------------------------------------------------------------------


def body_text(response) -> str:
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith(("text/", "application/json")):
        return ""
    return response.content.decode(errors="replace")


def request(client, method: str, url: str):
    call = getattr(client, method.lower())
    return call(url, {}, format="json") if method != "GET" else call(url)


def reached(status: int) -> bool:
    return status in (200, 201, 202, 204, 301, 302, 303, 400, 409, 415)


def denied(status: int) -> bool:
    return status in (401, 403, 404, 405)


class Matrix:
    def __init__(self, world, django_capture_on_commit_callbacks):
        self.who = people(world)
        self.records = {key: county_records(world, self.who, key, django_capture_on_commit_callbacks) for key in MARKS}
        self.clients = {"anon": APIClient()}
        for key, user in self.who.items():
            client = APIClient()
            client.force_login(user)
            self.clients[key] = client
        self.leaks: list[str] = []
        self.requests = 0

    def url(self, route: Route, rule: Rule | None, county: str) -> str:
        records = self.records[county]
        own = dict(rule.ids) if rule else {}
        kwargs = {}
        for n, keyword in enumerate(route.keywords):
            if keyword in PERIOD:
                kwargs[keyword] = records["month_year"] if keyword == "year" else records["month"]
            elif keyword in CONSTANTS:
                kwargs[keyword] = CONSTANTS[keyword]
            else:
                key = own.get(keyword) or (rule.record if n == 0 else KWARGS[keyword])
                kwargs[keyword] = records[key].pk
        return reverse(route.name, kwargs=kwargs)

    def ask(self, user_key: str, method: str, url: str, *, expect: str, county: str | None, what: str):
        """``expect``: "open" (reads it), "refused", "any" (may write: only no crash), "list" (no id)."""
        self.requests += 1
        response = request(self.clients[user_key], method, url)
        status = response.status_code
        line = f"{what}: {user_key} {method} {url} → {status}"
        if status >= 500:
            self.leaks.append(line + " (crash)")
        elif user_key == "anon" and expect in ("refused", "any"):
            to_login = status == 302 and response["Location"].startswith(reverse("login"))
            if not (to_login or denied(status)):
                self.leaks.append(line + " (anonymous reached it)")
        elif expect == "open" and method == "GET" and status not in (200, 302):
            self.leaks.append(line + " (should open)")
        elif expect == "refused" and not denied(status):
            self.leaks.append(line + " (should be refused)")
        elif expect == "declined" and not (denied(status) or status == 400):
            self.leaks.append(line + " (may read, should not change it)")
        if county and relation(user_key, county) == OUTSIDER and MARKS[county] in body_text(response):
            self.leaks.append(line + f" (names {MARKS[county]} to an outsider)")
        return response

    def users(self, county: str = "a"):
        """Everyone for county A's records; for county B's, county A's people (its outsiders) — B's own
        people and the higher offices are asked about A's, the same rules mirrored."""
        if county == "a":
            return ["anon", *self.who]
        return [key for key in self.who if key.endswith(("_a", "_a1", "_a2", "_a3"))]


def expectation(route: Route, rule: Rule, method: str, rel: str) -> str:
    """"open", "refused", "declined" (refused, or the service's 400 to one who reads the record but
    may not change it — its domain check answers in Chinese), or "any" (one who may write it)."""
    readers, writers = RECORDS[rule.record]
    readers = rule.readers if rule.readers is not None else readers
    writers = rule.writers if rule.writers is not None else writers
    if rel in (OUTSIDER, ANON):
        return "refused"
    if method == "GET" and not rule.write:
        return "open" if rel in readers else "refused"
    if rel in writers or (route.page and not rule.write and rel in readers):  # a page read by POST
        return "any"
    return "declined" if rel in readers else "refused"


@pytest.fixture
def matrix(world, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    built = Matrix(world, django_capture_on_commit_callbacks)
    # Thousands of requests: the request log and 404 warnings would be much of the time. (After the
    # build: the report jobs it runs set logging up afresh.)
    quiet = [logging.getLogger(name) for name in ("supervision.request", "django.request", "django.security")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    yield built
    for logger, level in zip(quiet, levels):
        logger.setLevel(level)


def test_every_route_has_a_rule():
    """A route added without saying who may use it fails here (rule in ROUTES, or reason in UNCHECKED)."""
    names = {route.name for route in project_routes() if needs_record(route)}
    missing = sorted(names - set(ROUTES) - set(UNCHECKED))
    assert not missing, f"routes with an id and no access rule: {missing}"
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"rules for routes that no longer exist: {stale}"
    assert all(UNCHECKED.get(name) for name in names & set(UNCHECKED)), "every unchecked route says why"


def test_every_role_against_every_record_of_both_counties(matrix):
    started = time.monotonic()
    routes = [route for route in project_routes() if route.name in ROUTES]
    for county in MARKS:
        plan = []
        for route in routes:
            rule = ROUTES[route.name]
            url = matrix.url(route, rule, county)
            for method in route.methods:
                for user_key in matrix.users(county):
                    expect = expectation(route, rule, method, relation(user_key, county))
                    plan.append((expect, method, user_key, url, route.name))
        # Reads first, then the writes that must be refused, then the writes that may change things.
        plan.sort(key=lambda p: 0 if p[0] == "open" or p[1] == "GET" and p[0] == "refused" else 2 if p[0] == "any" else 1)
        for expect, method, user_key, url, name in plan:
            matrix.ask(user_key, method, url, expect=expect, county=county, what=name)
    elapsed = time.monotonic() - started
    print(f"\naccess matrix: {len(routes)} routes, {matrix.requests} requests, {elapsed:.0f} s")
    assert not matrix.leaks, "\n".join(matrix.leaks)


def test_no_list_shows_a_record_of_the_other_county(matrix):
    """Every page and API list without an id, opened by each role: never a crash, and nobody of one
    county reads a record of the other."""
    routes = [route for route in project_routes() if not needs_record(route) and "GET" in route.methods]
    for route in routes:
        kwargs = {k: matrix.records["a"]["month_year"] if k == "year" else matrix.records["a"]["month"]
                  for k in route.keywords}
        url = reverse(route.name, kwargs=kwargs)
        for user_key in matrix.users():
            for county in MARKS:
                if relation(user_key, county) == OUTSIDER:
                    matrix.ask(user_key, "GET", url, expect="list", county=county, what=route.name)
                    break
            else:
                matrix.ask(user_key, "GET", url, expect="list", county=None, what=route.name)
    print(f"\nlists: {len(routes)} routes, {matrix.requests} requests")
    assert not matrix.leaks, "\n".join(matrix.leaks)
