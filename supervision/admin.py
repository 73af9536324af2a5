from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Office, Supervisor, Zone, ZoneAssignment


@admin.register(Office)
class OfficeAdmin(GuardedModelAdmin):
    list_display = ["name", "level", "parent", "division_code"]
    list_filter = ["level"]
    search_fields = ["name", "division_code"]


class ZoneAssignmentInline(admin.TabularInline):
    """The zone's history of supervisors; changed through supervision.services (dated, no overlaps)."""

    model = ZoneAssignment
    extra = 0
    fields = readonly_fields = ["supervisor", "is_lead", "valid_from", "valid_to", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "category"]
    list_filter = ["category", "office"]
    search_fields = ["name"]
    inlines = [ZoneAssignmentInline]


@admin.register(Supervisor)
class SupervisorAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "kind", "phone", "is_active"]
    list_filter = ["kind", "is_active", "office"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["user"]
