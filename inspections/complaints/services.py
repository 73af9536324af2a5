"""Writes of complaints and tips (受理举报投诉): receiving, verifying (核实) and closing (办结).

The state machine is ``MACHINE`` below; every move goes through ``_move``, which refuses any
other transition and records the history (ComplaintEvent) in the same transaction.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supervision.calendar import add_working_days
from inspections.models.choices import ProblemSource, Severity
from schools.selectors import placement_on
from supervision import access, clock
from supervision.uploads import image_reencode
from supervision.states import StateMachine

from .choices import CloseOutcome, ComplaintAction, ComplaintCategory, ComplaintStatus, ReporterKind, VerifyMethod
from .models import Complaint, ComplaintEvent

S, A = ComplaintStatus, ComplaintAction

# (from status, action) -> to status. Nothing else is allowed. Verifying again amends the record.
MACHINE = StateMachine(S, A, {
    (S.RECEIVED, A.VERIFIED): S.VERIFYING,
    (S.VERIFYING, A.VERIFIED): S.VERIFYING,
    (S.VERIFYING, A.CLOSED_UNFOUNDED): S.UNFOUNDED,
    (S.VERIFYING, A.CLOSED_RESOLVED): S.RESOLVED,
    (S.VERIFYING, A.TURNED_INTO_TICKET): S.RECTIFYING,
}, refusal=gettext_lazy("该举报投诉当前状态为「%(status)s」,不能进行「%(action)s」。"))
OPEN_STATUSES = (S.RECEIVED, S.VERIFYING)
CLOSED_STATUSES = (S.UNFOUNDED, S.RESOLVED, S.RECTIFYING)
CLOSE_ACTIONS = {
    CloseOutcome.UNFOUNDED: A.CLOSED_UNFOUNDED,
    CloseOutcome.RESOLVED: A.CLOSED_RESOLVED,
    CloseOutcome.TICKET: A.TURNED_INTO_TICKET,
}

# Rule chosen for this product: a complaint is verified within 5 working days (Mon–Fri; public
# holidays are not modelled) of its receipt; one not verified by then is overdue.
VERIFY_WORKING_DAYS = 5

# Receipt codes: 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L): 31^10 ≈ 8·10^14.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

TEXT_MIN, TEXT_MAX = 10, 2000
NAME_MAX, PHONE_MAX = 30, 20
PHONE_RE = re.compile(r"^[0-9+\-() ]{7,20}$")
PROBLEM_ITEM_CODE = "complaint"


def receipt_code_new() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not Complaint.objects.filter(code=code).exists():
            return code


def receipt_code_normalize(raw: str) -> str:
    """What a person typed (lower case, spaces, the dash we print) → the stored form."""
    return re.sub(r"[^0-9A-Z]", "", (raw or "").upper())[:CODE_LENGTH + 2]


def receipt_code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def complaint_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _record(complaint: Complaint, action: str, *, from_status: str, actor, note: str, at) -> None:
    ComplaintEvent.objects.create(complaint=complaint, action=action, from_status=from_status,
                                  to_status=complaint.status, actor=actor, note=note, at=at)


def _allowed(complaint: Complaint, action: str) -> Complaint:
    """The complaint locked and re-read, if ``action`` is allowed from its current state."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    MACHINE.target(locked.status, action)
    return locked


def _move(complaint: Complaint, action: str, *, actor, note: str = "", at=None, **changes) -> Complaint:
    """Lock, check the move against ``MACHINE``, apply ``changes``, record it."""
    locked = _allowed(complaint, action)
    at = at or clock.now()
    from_status = locked.status
    locked.status = MACHINE.target(from_status, action)
    if locked.first_action_at is None:
        locked.first_action_at = at
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save()
    _record(locked, action, from_status=from_status, actor=actor, note=note, at=at)
    return locked


def _notify_received(complaint: Complaint) -> None:
    """The zone's responsibility supervisors are told (a school outside any zone: the office's
    director). No contact details go into the message or the e-mail."""
    from inspections.notifications.services import notify

    users = access.supervisor_users_of(complaint.school)
    if not users.exists():
        users = access.directors_of(complaint.office)
    with translation.override("zh-hans"):
        notify(
            users=users, key=f"complaint:{complaint.pk}:received",
            title=_("新的举报投诉:%(school)s") % {"school": complaint.school.name},
            body="\n".join([
                _("%(school)s收到一件举报投诉(%(category)s)。")
                % {"school": complaint.school.name, "category": complaint.get_category_display()},
                complaint.text[:200],
                _("请在%(date)s前完成核实。") % {"date": f"{complaint.verify_due:%Y-%m-%d}"},
            ]),
            url=complaint_url(complaint),
        )


@transaction.atomic
def complaint_submit(
    *, school, category: str, text: str, reporter_kind: str = ReporterKind.PARENT, contact_name: str = "",
    contact_phone: str = "", photo=None, now: dt.datetime | None = None,
) -> Complaint:
    """A complaint received from a school's public plaque page (受理): it gets an unguessable receipt
    code, a verification deadline, and the zone's supervisors are told."""
    text, contact_name, contact_phone = text.strip(), contact_name.strip(), contact_phone.strip()
    errors = {}
    if category not in ComplaintCategory.values:
        errors["category"] = _("请选择反映问题的类别。")
    if reporter_kind not in ReporterKind.values:
        errors["reporter_kind"] = _("请选择您的身份。")
    if len(text) < TEXT_MIN:
        errors["text"] = _("请把情况写清楚,至少%(n)d个字。") % {"n": TEXT_MIN}
    elif len(text) > TEXT_MAX:
        errors["text"] = _("反映内容最多%(n)d个字。") % {"n": TEXT_MAX}
    if len(contact_name) > NAME_MAX:
        errors["contact_name"] = _("姓名最多%(n)d个字。") % {"n": NAME_MAX}
    if contact_phone and not PHONE_RE.match(contact_phone):
        errors["contact_phone"] = _("请填写正确的电话号码,或留空匿名反映。")
    if not school.is_active:
        errors["school"] = _("该学校已停办,无法在线反映。")
    content = None
    if photo is not None and not errors:
        try:
            content = image_reencode(upload=photo, max_side=1600)
        except ValidationError as exc:
            errors["photo"] = exc.messages
    if errors:
        raise ValidationError(errors)
    now = now or clock.now()
    placement = placement_on(school, clock.date_of(now))
    complaint = Complaint(
        office_id=placement.office_id if placement else school.office_id, school=school,
        zone_id=placement.zone_id if placement else None, code=receipt_code_new(), category=category,
        text=text, reporter_kind=reporter_kind, contact_name=contact_name, contact_phone=contact_phone[:PHONE_MAX],
        received_at=now, verify_due=add_working_days(clock.date_of(now), VERIFY_WORKING_DAYS),
    )
    if content is not None:
        complaint.photo_sha256 = content.sha256
        complaint.photo.save("photo.jpg", content, save=False)
    complaint.save()
    _record(complaint, A.RECEIVED, from_status="", actor=None, note="", at=now)
    _notify_received(complaint)
    return complaint


@transaction.atomic
def complaint_verify(
    *, complaint: Complaint, actor, verified_on: dt.date, method: str, notes: str, now: dt.datetime | None = None,
) -> Complaint:
    """The supervisor verifies the complaint (核实): when, how, and what was found (internal notes,
    never shown to the complainant). Verifying again amends the record."""
    notes = notes.strip()
    errors = {}
    if method not in VerifyMethod.values:
        errors["method"] = _("请选择核实方式。")
    if not notes:
        errors["notes"] = _("请填写核实情况。")
    today = clock.date_of(now) if now else clock.today()
    if verified_on > today:
        errors["verified_on"] = _("核实日期不能晚于今天。")
    elif verified_on < clock.date_of(complaint.received_at):
        errors["verified_on"] = _("核实日期不能早于受理日期。")
    if errors:
        raise ValidationError(errors)
    return _move(complaint, A.VERIFIED, actor=actor, note=notes, at=now, verified_on=verified_on,
                 verify_method=method, verify_notes=notes, verified_by=actor)


@transaction.atomic
def complaint_close(
    *, complaint: Complaint, actor, outcome: str, public_reply: str = "", note: str = "",
    problem_description: str = "", opinion: str = "", deadline: dt.date | None = None,
    severity: str = Severity.MINOR, now: dt.datetime | None = None,
) -> Complaint:
    """Close a verified complaint (办结): unfounded (不属实), resolved (已解决, with a reply the
    complainant reads), or turned into a rectification ticket (转为整改) with opinion and deadline —
    the ticket then follows the normal rectification flow. The complainant's own words are never
    copied to the school: the problem is described as the supervisor found it."""
    from inspections.tickets.services import problem_raise

    public_reply, note = public_reply.strip(), note.strip()
    if outcome not in CloseOutcome.values:
        raise ValidationError({"outcome": _("请选择办结方式。")})
    if outcome == CloseOutcome.RESOLVED and not public_reply:
        raise ValidationError({"public_reply": _("已解决的举报投诉请填写给反映人的答复。")})
    # Checked (and locked) before raising a problem: a refused close opens no ticket.
    complaint = _allowed(complaint, CLOSE_ACTIONS[outcome])
    now = now or clock.now()
    changes = {"public_reply": public_reply, "closed_at": now, "closed_by": actor}
    if outcome == CloseOutcome.TICKET:
        try:
            problem = problem_raise(
                school=complaint.school, source=ProblemSource.COMPLAINT, item_code=PROBLEM_ITEM_CODE,
                item_title=_("举报投诉:%(category)s") % {"category": complaint.get_category_display()},
                description=problem_description, opinion=opinion, deadline=deadline, severity=severity,
                found_on=complaint.verified_on or clock.date_of(now), actor=actor,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "description" in exc.error_dict:
                exc.error_dict["problem_description"] = exc.error_dict.pop("description")
            raise exc
        changes["problem"] = problem
    return _move(complaint, CLOSE_ACTIONS[outcome], actor=actor, note=note, at=now, **changes)


def complaints_overdue_remind(*, today: dt.date) -> int:
    """Complaints still waiting to be verified after their deadline (5 working days): the zone's
    supervisors and the office's director are told, once per complaint. Returns how many complaints
    were overdue. Safe to run twice (the inbox keys each reminder)."""
    from inspections.notifications.services import notify

    overdue = (
        Complaint.objects.filter(status=ComplaintStatus.RECEIVED, verify_due__lt=today)
        .select_related("school", "office")
        .order_by("verify_due", "pk")
    )
    count = 0
    for complaint in overdue:
        count += 1
        users = list(access.supervisor_users_of(complaint.school)) + list(access.directors_of(complaint.office))
        with translation.override("zh-hans"):
            notify(
                users=users, key=f"complaint:{complaint.pk}:overdue",
                title=_("举报投诉逾期未核实:%(school)s") % {"school": complaint.school.name},
                body=_("%(school)s的举报投诉(%(category)s)应于%(date)s前核实,至今仍未核实,请尽快处理。") % {
                    "school": complaint.school.name, "category": complaint.get_category_display(),
                    "date": f"{complaint.verify_due:%Y-%m-%d}",
                },
                url=complaint_url(complaint),
            )
    return count
