"""/api/v1/report-jobs/: every report job a user's offices ran — kind, parameters, state, progress,
who and when — and its file; POST starts one (idempotent, like the pages' buttons)."""
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from supervision import access
from supervision.api import ScopedPrimaryKeyRelatedField
from supervision.models import Office

from . import registry, selectors, services, submissions
from .models import Job, Submission


class JobSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created_by_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "kind", "kind_label", "office", "params", "status", "status_label", "progress",
            "attempts", "error", "created_by", "created_by_name", "created_at", "started_at", "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_created_by_name(self, job) -> str:
        user = job.created_by
        return (user.first_name or user.username) if user else ""

    def get_download_url(self, job) -> str | None:
        if job.status != "succeeded" or not job.result:
            return None
        return self.context["request"].build_absolute_uri(reverse("reports:job_download", args=[job.pk]))


class JobDetailSerializer(JobSerializer):
    """One job, with the title a person sees (describing a job may read the objects it is about,
    so lists leave it out and stay at a constant number of queries)."""

    title = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "title"]
        read_only_fields = fields

    def get_title(self, job) -> str:
        return services.job_describe(job)


class JobStartSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=32)
    office = ScopedPrimaryKeyRelatedField(scope=access.offices_overseen_by, queryset=Office.objects.none())
    params = serializers.DictField(required=False, default=dict)


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Report jobs of the offices a user oversees. Poll a job's ``progress`` while it is
    ``queued`` or ``running``; fetch ``download_url`` once it has ``succeeded``."""

    serializer_class = JobSerializer

    def get_queryset(self):
        return selectors.jobs_visible_to(self.request.user).select_related("office", "created_by")

    def get_serializer_class(self):
        return JobSerializer if self.action == "list" else JobDetailSerializer

    @extend_schema(request=JobStartSerializer, responses={201: JobDetailSerializer, 200: JobDetailSerializer})
    def create(self, request, *args, **kwargs):
        start = JobStartSerializer(data=request.data, context={"request": request})
        start.is_valid(raise_exception=True)
        kind, office, params = (start.validated_data[k] for k in ("kind", "office", "params"))
        registry.job_spec(kind)  # an unknown kind is a 400, before any permission question
        if not services.job_may_start(user=request.user, kind=kind, office=office, params=params):
            raise NotFound
        before = set(Job.objects.filter(kind=kind, office=office).values_list("pk", flat=True))
        job = services.job_start(kind=kind, office=office, params=params, user=request.user)
        created = job.pk not in before
        return Response(
            JobDetailSerializer(job, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class SubmissionSerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True, default="")
    period_label = serializers.CharField(read_only=True)
    submitted_by_name = serializers.SerializerMethodField()
    job = JobSerializer(read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id", "office", "office_name", "recipient", "recipient_name", "period", "year", "month", "period_label",
            "note", "manifest", "submitted_by", "submitted_by_name", "submitted_at", "job",
        ]
        read_only_fields = fields

    def get_submitted_by_name(self, submission) -> str:
        user = submission.submitted_by
        return (user.first_name or user.username) if user else ""


class SubmissionStartSerializer(serializers.Serializer):
    office = ScopedPrimaryKeyRelatedField(scope=selectors.offices_starting_jobs_for, queryset=Office.objects.none())
    period = serializers.ChoiceField(choices=Submission.Period.choices)
    year = serializers.IntegerField()
    month = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """报送: packages sent to the higher office (and, for a higher office, received from below).
    POST sends one (office admins and directors of that office); the package is made by a job."""

    serializer_class = SubmissionSerializer

    def get_queryset(self):
        return submissions.submissions_visible_to(self.request.user).select_related(
            "office", "recipient", "submitted_by", "job__created_by"
        )

    @extend_schema(request=SubmissionStartSerializer, responses={201: SubmissionSerializer})
    def create(self, request, *args, **kwargs):
        start = SubmissionStartSerializer(data=request.data, context={"request": request})
        start.is_valid(raise_exception=True)
        data = start.validated_data
        office = data["office"]
        params = submissions.clean_params(office, {"period": data["period"], "year": data["year"], "month": data.get("month")})
        submission = submissions.submission_start(office=office, params=params, user=request.user, note=data["note"])
        submission.refresh_from_db()
        return Response(SubmissionSerializer(submission, context={"request": request}).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("report-jobs", JobViewSet, basename="report-job")
    router.register("submissions", SubmissionViewSet, basename="submission")
