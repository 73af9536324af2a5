from django.contrib import admin

from .models import Complaint, ComplaintEvent


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "note", "at"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["received_at", "school", "category", "status", "verify_due", "closed_at"]
    list_filter = ["status", "category", "office"]
    search_fields = ["school__name", "text"]
    raw_id_fields = ["school", "zone", "office", "problem", "verified_by", "closed_by"]
    readonly_fields = ["code", "photo_sha256"]
    inlines = [ComplaintEventInline]
