from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import School, SchoolMembership


class SchoolMembershipInline(admin.TabularInline):
    model = SchoolMembership
    extra = 0
    fields = ["office", "zone", "valid_from", "valid_to", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["office", "zone", "valid_from", "valid_to", "note", "recorded_by", "recorded_at"]
    can_delete = False  # history is changed through schools.services (no overlaps), not here

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(School)
class SchoolAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "kind", "ownership", "location", "office"]
    list_filter = ["kind", "ownership", "location", "office"]
    search_fields = ["code", "name"]
    list_select_related = ["office"]
    inlines = [SchoolMembershipInline]
