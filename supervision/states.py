"""Explicit state machines (STYLE: "explicit state machines"): a domain declares the one table of
allowed moves, ``(from status, action) -> to status``, and asks it before every change; anything not
in the table is refused with the same Chinese message whatever the domain.

Tickets (整改通知), complaints (举报投诉) and cases (督导案例) each declare their machine beside their
services, which lock the row, ask ``target`` and write the move into their own history.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REFUSAL = _("当前状态“%(status)s”下不能执行“%(action)s”。")


@dataclass(frozen=True)
class StateMachine:
    statuses: type[TextChoices]
    actions: type[TextChoices]
    moves: Mapping[tuple[str, str], str]
    refusal: str | Promise = REFUSAL  # %(status)s and %(action)s: the labels, in the user's language

    def __post_init__(self):
        for (origin, action), target in self.moves.items():
            self.statuses(origin), self.actions(action), self.statuses(target)  # a typo fails at import

    def target(self, status: str, action: str) -> str:
        """The status ``action`` leads to from ``status``; a move not in the table is refused."""
        try:
            return self.moves[(status, action)]
        except KeyError:
            raise ValidationError(self.refusal % {
                "status": self.statuses(status).label, "action": self.actions(action).label,
            }) from None

    def allowed_actions(self, status: str) -> list[str]:
        """What may be done from ``status``, in the table's order."""
        return [action for (origin, action) in self.moves if origin == status]
