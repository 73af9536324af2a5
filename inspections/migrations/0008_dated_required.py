from django.db import migrations, models

import supervision.clock


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0007_dates_from_instants'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ticketevent',
            name='occurred_on',
            field=models.DateField(default=supervision.clock.today, verbose_name='发生日期'),
        ),
        migrations.AlterField(
            model_name='extension',
            name='requested_on',
            field=models.DateField(default=supervision.clock.today, verbose_name='申请日期'),
        ),
    ]
