"""What a visit's record must satisfy whoever writes it: known methods, a checklist still open to its own supervisors."""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from inspections.models.choices import Severity, VisitMethod
from inspections.models import Checklist


def check_methods(methods: Iterable[str]) -> list[str]:
    methods = list(dict.fromkeys(methods))
    unknown = [m for m in methods if m not in VisitMethod.values]
    if unknown:
        raise ValidationError({"methods": _("未知的督导方式:%(m)s") % {"m": "、".join(unknown)}})
    return methods


def check_editable(checklist: Checklist, user) -> None:
    if checklist.is_locked:
        raise ValidationError(_("清单已提交并锁定;如需修改,请先填写原因重新打开。"))
    visit = checklist.visit
    if visit.entered_by_id == user.pk:  # a 补录 of a past visit is filled in by whoever entered it
        return
    if not visit.supervisors.filter(user=user).exists():
        raise ValidationError(_("只有参加本次督导的督学可以填写清单。"))


def problem_text_errors(*, description: str, opinion: str, severity: str) -> dict[str, str]:
    """What a problem must say, wherever it is found (a checklist item, a complaint, a special
    inspection): a description, the rectification opinion (整改意见) and a known severity."""
    errors = {}
    if not description.strip():
        errors["description"] = _("请填写问题描述。")
    if not opinion.strip():
        errors["opinion"] = _("请填写整改意见。")
    if severity not in Severity.values:
        errors["severity"] = _("无效的严重程度。")
    return errors
