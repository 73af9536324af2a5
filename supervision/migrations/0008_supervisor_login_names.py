"""Supervisors' logins were their phone numbers, which every school plaque prints: half of each
supervisor's credentials were public. Each such login gets a name of its own (dx + the office's
division code + a number, as ``services.supervisor_login_name`` makes for new supervisors); the office
admin sees it in the supervisor list and tells the supervisor. Passwords are unchanged."""
from django.db import migrations


def rename(apps, schema_editor):
    Supervisor = apps.get_model("supervision", "Supervisor")
    User = apps.get_model("auth", "User")
    taken = set(User.objects.values_list("username", flat=True))
    for supervisor in Supervisor.objects.select_related("user", "office").order_by("pk"):
        user = supervisor.user
        if user.username != supervisor.phone:
            continue
        prefix = f"dx{supervisor.office.division_code or supervisor.office_id}"
        number = 1
        while f"{prefix}{number:03d}" in taken:
            number += 1
        user.username = f"{prefix}{number:03d}"
        taken.add(user.username)
        user.save(update_fields=["username"])


class Migration(migrations.Migration):
    dependencies = [("supervision", "0007_office_password_max_age_days_and_more"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
