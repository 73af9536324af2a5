"""/api/v1/surveys/: the surveys a user reads (list, retrieve with questions and links) and their
results (``/results/?school=&audience=``). Answering is the public HTML form, not the API."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from supervision import access

from . import selectors
from .choices import Audience
from .models import Question, Survey, SurveyLink


class QuestionSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "kind", "text", "required", "choices"]
        read_only_fields = fields


class SurveyLinkSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    public_url = serializers.CharField(read_only=True)

    class Meta:
        model = SurveyLink
        fields = ["id", "school", "school_name", "audience", "public_url"]
        read_only_fields = fields


class SurveySerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    responses = serializers.IntegerField(source="n_responses", read_only=True)

    class Meta:
        model = Survey
        fields = ["id", "office", "office_name", "year", "title", "intro", "status", "status_label", "once_per",
                  "published_at", "closed_at", "responses"]
        read_only_fields = fields


class SurveyDetailSerializer(SurveySerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()

    class Meta(SurveySerializer.Meta):
        fields = SurveySerializer.Meta.fields + ["questions", "links"]
        read_only_fields = fields

    def get_links(self, survey) -> list[dict]:
        links = survey.links.select_related("school")
        schools = access.survey_results_schools(self.context["request"].user, survey)
        if schools is not None:
            links = links.filter(school__in=schools.values("pk"))
        return SurveyLinkSerializer(links, many=True).data


class OptionResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question.pk")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    answered = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)
    options = OptionResultSerializer(many=True)
    texts = serializers.SerializerMethodField()

    def get_texts(self, row) -> list[str]:
        return [t["text"] for t in row["texts"]]


class SchoolResultSerializer(serializers.Serializer):
    school = serializers.IntegerField(source="school_id")
    name = serializers.CharField()
    responses = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)


class ResultsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)
    schools = SchoolResultSerializer(many=True)
    questions = QuestionResultSerializer(many=True)


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return selectors.survey_list_for(self.request.user)

    def get_serializer_class(self):
        return SurveyDetailSerializer if self.action == "retrieve" else SurveySerializer

    @extend_schema(
        parameters=[OpenApiParameter("school", int, required=False), OpenApiParameter("audience", str, enum=Audience.values, required=False)],
        responses=ResultsSerializer,
    )
    @action(detail=True)
    def results(self, request, pk=None):
        """满意度 = share of 满意 + 非常满意 among the answers to scale questions, in percent."""
        survey = self.get_object()
        school = request.query_params.get("school", "")
        audience = request.query_params.get("audience", "")
        results = selectors.survey_results(
            survey=survey, schools=access.survey_results_schools(request.user, survey),
            school_id=int(school) if school.isdigit() else None, audience=audience if audience in Audience.values else "",
        )
        keys = [a.value for a in results["audiences"]]
        for row in results["schools"]:
            row["responses"] = dict(zip(keys, row["counts"], strict=True))
        return ApiResponse(ResultsSerializer(results).data)


def register(router) -> None:
    router.register("surveys", SurveyViewSet, basename="survey")
