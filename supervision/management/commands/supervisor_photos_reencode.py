from django.core.management.base import BaseCommand

from supervision.services import supervisor_photos_reencode


class Command(BaseCommand):
    help = (
        "Re-encode supervisor photos stored as they were uploaded (with their EXIF/GPS metadata) into the "
        "plaque's downscaled JPEG; photos already re-encoded are left alone. Safe to run again."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Re-encoded {supervisor_photos_reencode()} supervisor photo(s).")
