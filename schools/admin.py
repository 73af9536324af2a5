from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import School


@admin.register(School)
class SchoolAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "kind", "ownership", "location", "office", "zone", "is_active"]
    list_filter = ["kind", "ownership", "location", "is_active", "office"]
    search_fields = ["code", "name"]
    list_select_related = ["office", "zone"]
