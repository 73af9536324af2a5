from django.contrib import admin

from .models import ZoneMonthlyReport


@admin.register(ZoneMonthlyReport)
class ZoneMonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["zone", "year", "month", "version", "status", "filed_at", "filed_by", "due_date"]
    list_filter = ["status", "year", "month", "office"]
    raw_id_fields = ["filed_by"]
    # A filed report is frozen: the admin only reads.
    readonly_fields = ["office", "zone", "year", "month", "version", "status", "data", "built_at", "filed_at", "filed_by", "due_date"]
