"""The inbox (通知): every user's notifications, unread first; open one, mark read, mark all read."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inspections.notifications import services as notifications
from inspections.models import Notification
from supervision.filters import whole_number

PAGE_SIZE = 30


@login_required
@require_GET
def inbox(request):
    page = Paginator(notifications.inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/notification_inbox.html", {
        "page": page,
        "unread": notifications.unread_count_for(request.user),
    })


def _own(request, pk: int) -> Notification:
    # Another user's notification is answered like a missing one.
    return get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)


def _back_to_inbox(request):
    """Back to the page of the inbox the user was on."""
    page = request.POST.get("page", "")
    url = reverse("inspections:inbox")
    return redirect(f"{url}?page={page}" if whole_number(page) is not None else url)


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark read and go where the notification points (a page of this site only)."""
    notification = notifications.notification_mark_read(notification=_own(request, pk))
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect("inspections:inbox")
    return redirect(url)


@login_required
@require_POST
def notification_read(request, pk: int):
    notifications.notification_mark_read(notification=_own(request, pk))
    return _back_to_inbox(request)


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
    return _back_to_inbox(request)
