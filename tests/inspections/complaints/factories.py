"""Complaints built through the services, and the public form's fields."""
import time

from django.urls import reverse
from django.utils import timezone

from inspections.complaints import services
from inspections.complaints.forms import form_token


def complaint_made(*, school, text="学校要求每名学生交300元资料费,没有收据。", category="fees", now=None, **kwargs):
    return services.complaint_submit(school=school, category=category, text=text, now=now, **kwargs)


def complaint_verified(*, school, actor, **kwargs):
    complaint = complaint_made(school=school, **kwargs)
    return services.complaint_verify(
        complaint=complaint, actor=actor, verified_on=timezone.localdate(), method="on_site", notes="到校核实,情况属实。"
    )


def form_data(**overrides):
    """What a person types into the public form (shown a minute ago)."""
    data = {
        "category": "fees", "text": "学校要求每名学生交300元资料费,没有收据。", "reporter_kind": "parent",
        "contact_name": "张女士", "contact_phone": "13800001111", "website": "", "started": form_token(time.time() - 60),
    }
    data.update(overrides)
    return data


def post_complaint(client, school, extra=None, **overrides):
    """Post the public form; ``extra`` are request headers (REMOTE_ADDR, HTTP_ACCEPT_LANGUAGE)."""
    return client.post(reverse("complaints:new", args=[school.code]), form_data(**overrides), **(extra or {}))
