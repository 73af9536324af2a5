from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("督导机构")

    def ready(self):
        from . import navigation, scheduler, uploads

        navigation.register()
        uploads.pillow_limit_set()
        # ./run.sh: `manage.py runserver` with in-process tasks runs the beat schedule itself.
        scheduler.start_if_serving()
