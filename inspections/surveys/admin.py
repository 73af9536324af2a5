from django.contrib import admin

from .models import Question, Survey, SurveyLink


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "office", "year", "status", "once_per"]
    list_filter = ["status", "year"]
    inlines = [QuestionInline]


@admin.register(SurveyLink)
class SurveyLinkAdmin(admin.ModelAdmin):
    list_display = ["survey", "school", "audience", "token"]
    raw_id_fields = ["school"]
