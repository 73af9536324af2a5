from django.contrib import admin

from .models import Case, CaseAttachment, CaseEvent


class AttachmentInline(admin.TabularInline):
    model = CaseAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    exclude = ["file", "extension"]


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "actor", "comment", "at"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "office", "author", "status"]
    list_filter = ["year", "status"]
    search_fields = ["title"]
    raw_id_fields = ["office", "author", "school", "zone"]
    # The body is written only through cases.services (which sanitises it); status only by its moves.
    readonly_fields = ["body", "status", "submitted_at", "recommended_at"]
    inlines = [AttachmentInline, EventInline]
