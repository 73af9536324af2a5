from django.core.management.base import BaseCommand

from supervision import outbox
from supervision.models import OutboxMessage


class Command(BaseCommand):
    help = (
        "Send the worker's tasks that the broker refused when they were asked for (the outbox), oldest first; "
        "stops at the first refusal. Safe to run again: beat runs the same drain every minute."
    )

    def handle(self, *args, **options):
        sent = outbox.drain()
        waiting = OutboxMessage.objects.filter(sent_at=None).count()
        self.stdout.write(f"Sent {sent} task(s); {waiting} still waiting for the broker.")
