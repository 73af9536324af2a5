"""DRF's tokens (rest_framework.authtoken, one per user, never expiring) become named, expiring
ApiTokens, hashed: a client holding one keeps working. The old table is emptied (it held the keys in
plain text); it is no longer an installed app, so a database that never had it is left as it is."""
import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"
NAME = "原有令牌"


def _aware(value) -> dt.datetime | None:
    if value is not None and not isinstance(value, dt.datetime):
        value = parse_datetime(str(value))
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)  # Django stores UTC where the column has no zone
    return value


def convert(apps, schema_editor):
    from supervision import clock

    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    table = schema_editor.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {schema_editor.quote_name('key')}, user_id, created FROM {table}")
        rows = cursor.fetchall()
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = clock.now()
    expires = now + dt.timedelta(days=min(getattr(settings, "API_TOKEN_DAYS", 90), 365))
    ApiToken.objects.bulk_create([
        ApiToken(owner_id=user_id, name=NAME, key_hash=hashlib.sha256(key.encode()).hexdigest(), prefix=key[:8],
                 created_at=_aware(created) or now, expires_at=expires)
        for key, user_id, created in rows
    ])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
