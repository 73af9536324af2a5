from django.contrib import admin

from .models import Entry, Indicator, Round, Scheme


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "year", "kind"]
    list_filter = ["kind", "year"]
    inlines = [IndicatorInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "year", "scheme"]
    list_filter = ["year"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["round", "school", "rectification_raised_on"]
    raw_id_fields = ["school", "problems"]
