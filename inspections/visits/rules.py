"""What a visit's record must satisfy whoever writes it: known methods, a checklist still open to its own supervisors."""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from inspections.choices import VisitMethod
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
