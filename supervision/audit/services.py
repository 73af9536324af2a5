"""Writing, checking and pruning the audit log — the one way into it is ``record``."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from supervision import access, clock

from .context import current_request, request_address, request_user_agent
from .models import AuditChain, AuditEntry

# 等保 2.0 level 3: audit records are kept at least six months.
RETENTION_DAYS_MIN = 180


def _plain(value):
    """What a JSON column gives back: the hash must be computed over the value as it will be read."""
    return json.loads(json.dumps(value or {}, ensure_ascii=False, default=str))


def _chain_locked() -> AuditChain:
    """The chain's row, locked until the transaction ends: entries are numbered and linked one at a time."""
    chain = AuditChain.objects.select_for_update().filter(pk=1).first()
    if chain is None:
        chain, _created = AuditChain.objects.select_for_update().get_or_create(pk=1)
    return chain


@transaction.atomic(savepoint=False)  # part of the act it records: rolled back with it, no savepoint of its own
def record(
    *,
    action: str,
    actor=None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    changes: dict | None = None,
    details: dict | None = None,
    office=None,
    request=None,
) -> AuditEntry:
    """Append one entry to the chain. The actor, their office, the address and the user agent default
    to those of the request being served (none outside a request: the worker, a command)."""
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if office is None and actor is not None:
        office = access.audit_office_of(actor)
    chain = _chain_locked()
    entry = AuditEntry(
        seq=chain.head_seq + 1,
        at=clock.now(),
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else "")[:150],
        office=office,
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id if object_id is not None else "")[:100],
        object_repr=str(object_repr)[:300],
        changes=_plain(changes),
        details=_plain(details),
        address=request_address(request),
        user_agent=request_user_agent(request),
        prev_hash=chain.head_hash,
    )
    entry.hash = entry.compute_hash()
    entry.save()
    AuditChain.objects.filter(pk=1).update(head_seq=entry.seq, head_hash=entry.hash)
    return entry


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    broken_at: int | None = None  # the seq of the first entry that does not hold (or the missing one)
    reason: str = ""


def verify() -> Verdict:
    """Walk the chain from the anchor to the head; the first link that does not hold is reported:
    an entry edited (its hash), one deleted (a gap in the numbers, or a prev_hash that no longer
    matches), the newest deleted (the head names an entry that is gone)."""
    chain = AuditChain.objects.filter(pk=1).first() or AuditChain(pk=1)
    expected_seq, prev = chain.anchor_seq + 1, chain.anchor_hash
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return Verdict(False, checked, expected_seq, _("第 %(n)s 条记录缺失(已被删除)。") % {"n": expected_seq})
        if entry.prev_hash != prev:
            return Verdict(False, checked, entry.seq, _("第 %(n)s 条记录与前一条不衔接(前一条被改动或删除)。") % {"n": entry.seq})
        if entry.compute_hash() != entry.hash:
            return Verdict(False, checked, entry.seq, _("第 %(n)s 条记录的内容被改动。") % {"n": entry.seq})
        checked += 1
        expected_seq, prev = entry.seq + 1, entry.hash
    if chain.head_seq != expected_seq - 1 or chain.head_hash != prev:
        return Verdict(False, checked, expected_seq, _("第 %(n)s 条及以后的记录缺失(已被删除)。") % {"n": expected_seq})
    return Verdict(True, checked)


@transaction.atomic
def prune(*, days: int) -> int:
    """Delete the entries older than ``days`` (at least 180: 等保 keeps audit records six months),
    never a newer one: the oldest part of the chain up to the first entry still inside the
    retention. The last deleted entry's hash becomes the anchor, so the chain still verifies."""
    if days < RETENTION_DAYS_MIN:
        raise ValidationError(
            _("审计记录至少保留 %(min)s 天,不能清理 %(days)s 天以内的记录。") % {"min": RETENTION_DAYS_MIN, "days": days}
        )
    cutoff = clock.now() - dt.timedelta(days=days)
    _chain_locked()  # prunes and records take turns
    first_kept = AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
    doomed = AuditEntry.objects.all() if first_kept is None else AuditEntry.objects.filter(seq__lt=first_kept)
    last = doomed.order_by("-seq").first()
    if last is None:
        return 0
    if connection.vendor == "postgresql":
        # The trigger lets a DELETE through only for entries older than this instant (migration 0002).
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.prune_before', %s, true)", [cutoff.isoformat()])
    deleted = doomed._raw_delete(doomed.db)
    AuditChain.objects.filter(pk=1).update(anchor_seq=last.seq, anchor_hash=last.hash)
    _auditlog_prune(cutoff)
    return deleted


def _auditlog_prune(cutoff: dt.datetime) -> None:
    # django-auditlog's own rows feed the chain and are kept no longer than it.
    from auditlog.models import LogEntry

    LogEntry.objects.filter(timestamp__lt=cutoff).delete()

