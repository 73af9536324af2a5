"""The chain holds: an entry edited or deleted behind the application's back is found by verify, at
that entry; the retention's prune deletes only what is older than 180 days and the chain still holds."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from supervision.audit import services
from supervision.audit.choices import AuditAction
from supervision.audit.models import AppendOnly, AuditEntry

pytestmark = pytest.mark.django_db


def recorded(n: int, **kwargs) -> list[AuditEntry]:
    return [services.record(action=AuditAction.EXPORT, object_type="file", object_repr=f"第{i}份.xlsx", **kwargs)
            for i in range(n)]


def raw(sql: str, params=()) -> None:
    """What someone with database access would do: straight SQL, past the model's refusal — and on
    PostgreSQL, as the table's owner, past the trigger too (verify must still find it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


def untouched(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_untouched_chain_verifies():
    recorded(5)
    verdict = services.verify()
    assert verdict.ok and verdict.checked == 5


def test_each_entry_seals_the_one_before_it():
    first, second = recorded(2)
    assert second.prev_hash == first.hash
    assert first.hash == first.compute_hash()
    assert AuditEntry.objects.get(pk=second.pk).compute_hash() == second.hash  # as read back from the database


def test_the_model_refuses_to_change_or_delete_an_entry():
    (entry,) = recorded(1)
    entry.object_repr = "改过的.xlsx"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="改过的.xlsx")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "第0份.xlsx"


def test_editing_an_entry_in_the_database_breaks_verify_at_that_entry():
    entries = recorded(5)
    raw("UPDATE audit_auditentry SET actor_name = %s WHERE seq = %s", ["someone_else", entries[2].seq])
    verdict = services.verify()
    assert not verdict.ok
    assert verdict.broken_at == entries[2].seq
    assert "被改动" in verdict.reason


def test_rehashing_an_edited_entry_still_breaks_the_next_link():
    entries = recorded(4)
    forged = AuditEntry.objects.get(seq=entries[1].seq)
    forged.object_repr = "无事发生"
    raw("UPDATE audit_auditentry SET object_repr = %s, hash = %s WHERE seq = %s",
        ["无事发生", forged.compute_hash(), forged.seq])
    verdict = services.verify()
    assert (verdict.ok, verdict.broken_at) == (False, entries[2].seq)


def test_deleting_an_entry_in_the_database_breaks_verify_where_it_was():
    entries = recorded(5)
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [entries[3].seq])
    verdict = services.verify()
    assert (verdict.ok, verdict.broken_at) == (False, entries[3].seq)
    assert "缺失" in verdict.reason


def test_deleting_the_newest_entries_is_found_too():
    entries = recorded(5)
    raw("DELETE FROM audit_auditentry WHERE seq >= %s", [entries[3].seq])
    verdict = services.verify()
    assert (verdict.ok, verdict.broken_at) == (False, entries[3].seq)


def test_audit_verify_command_fails_on_a_broken_chain_and_passes_on_a_whole_one(capsys):
    entries = recorded(3)
    call_command("audit_verify")
    assert "已核对 3 条" in capsys.readouterr().out
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])
    with pytest.raises(CommandError, match=f"第 {entries[1].seq} 条记录缺失"):
        call_command("audit_verify")


def test_prune_keeps_the_last_180_days_and_the_chain_still_verifies(clock):
    start = clock.now
    clock.move_to(start - dt.timedelta(days=400))
    very_old = recorded(2)
    clock.move_to(start - dt.timedelta(days=181))
    old = recorded(1)
    clock.move_to(start - dt.timedelta(days=179))
    kept = recorded(2)
    clock.move_to(start)
    kept += recorded(1)

    assert services.prune(days=180) == 3
    remaining = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert remaining == [e.seq for e in kept]
    assert not AuditEntry.objects.filter(seq__in=[e.seq for e in very_old + old]).exists()
    verdict = services.verify()
    assert verdict.ok and verdict.checked == 3
    # The first kept entry still proves its link: deleting it after the prune is found.
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [kept[0].seq])
    assert services.verify().broken_at == kept[0].seq


def test_prune_refuses_fewer_than_180_days_and_deletes_nothing(clock):
    clock.move_to(clock.now - dt.timedelta(days=200))
    recorded(2)
    clock.move_to(clock.now + dt.timedelta(days=200))
    with pytest.raises(ValidationError, match="至少保留 180 天"):
        services.prune(days=179)
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("audit_prune", "--days", "30")
    assert AuditEntry.objects.count() == 2


def test_audit_prune_command_deletes_older_entries(clock, capsys):
    clock.move_to(clock.now - dt.timedelta(days=365))
    recorded(2)
    clock.move_to(clock.now + dt.timedelta(days=365))
    recorded(1)
    call_command("audit_prune", "--days", "180")
    assert "已清理 2 条" in capsys.readouterr().out
    assert AuditEntry.objects.count() == 1
    assert services.verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_on_postgresql_the_database_refuses_update_and_delete_but_lets_the_prune_through(clock):
    from django.db import DatabaseError, transaction

    clock.move_to(clock.now - dt.timedelta(days=300))
    old = recorded(1)
    clock.move_to(clock.now + dt.timedelta(days=300))
    new = recorded(1)
    for sql in ("UPDATE audit_auditentry SET actor_name = 'x' WHERE seq = %s", "DELETE FROM audit_auditentry WHERE seq = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            untouched(sql, [new[0].seq])
    assert services.prune(days=180) == 1
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == [new[0].seq]
    assert old[0].seq not in AuditEntry.objects.values_list("seq", flat=True)
