from django.db import migrations, models

import supervision.clock


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0005_assignments_dated'),
    ]

    operations = [
        migrations.AlterField(
            model_name='zoneassignment',
            name='valid_from',
            field=models.DateField(default=supervision.clock.today, verbose_name='起始日期'),
        ),
        migrations.AlterField(
            model_name='zoneassignment',
            name='recorded_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='登记时间'),
        ),
    ]
