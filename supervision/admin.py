from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Office, Supervisor, Zone, ZoneAssignment


@admin.register(Office)
class OfficeAdmin(GuardedModelAdmin):
    list_display = ["name", "level", "parent", "division_code"]
    list_filter = ["level"]
    search_fields = ["name", "division_code"]


class ZoneAssignmentInline(admin.TabularInline):
    model = ZoneAssignment
    extra = 0
    autocomplete_fields = ["supervisor"]


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
