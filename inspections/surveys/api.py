"""/api/v1/surveys/: the surveys a user reads (list, retrieve with questions and links) and their
results (``/results/?school=&audience=``); the office's admin and director build a survey with its
questions, publish it to schools and audiences (one public link each), print access codes, close
and copy it — as on the survey pages, through ``services``. Answering is the public HTML form, not
the API."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from schools.models import School
from supervision import access, clock
from supervision.filters import whole_number
from supervision.api import ActionInputMixin, ScopedPrimaryKeyRelatedField, with_current

from inspections.plans.api import OfficePlannerWrites, PlannedRecordSerializer

from . import selectors, services
from .choices import Audience, OncePer, QuestionKind
from .models import Question, Survey, SurveyLink

SURVEY_FIELDS = ("title", "intro", "once_per")


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


class QuestionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=300)
    options = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list,
        help_text=_("单选题、多选题的选项(至少两个);满意度量表固定五级,填空题不需要选项。"),
    )
    required = serializers.BooleanField(default=True)


class SurveyCreateSerializer(PlannedRecordSerializer):
    """A new questionnaire (draft) of an office whose admin or director the user is."""

    from_template = serializers.BooleanField(default=False, help_text=_("从默认“家长满意度”问卷的题目开始。"))
    questions = QuestionInputSerializer(many=True, required=False, default=list,
                                        help_text=_("题目(接在默认题目之后)。"))

    class Meta:
        model = Survey
        fields = ["office", "office_name", "year", "title", "intro", "once_per", "from_template", "questions"]
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}


class SurveyUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = list(SURVEY_FIELDS)


class PublishSerializer(serializers.Serializer):
    schools = ScopedPrimaryKeyRelatedField(
        scope=access.schools_visible_to, queryset=School.objects.none(), many=True,
        help_text=_("发布到的学校编号(本督导室的学校);再次发布只增加新的链接,已有链接不变。"),
    )
    audiences = serializers.ListField(child=serializers.ChoiceField(choices=Audience.choices), default=[Audience.PARENT])


class MoveSerializer(serializers.Serializer):
    up = serializers.BooleanField(help_text=_("true 上移,false 下移"))


class CodesInputSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_CODES_AT_ONCE)


class CodesSerializer(serializers.Serializer):
    link = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField())


@extend_schema_view(
    create=extend_schema(request=SurveyCreateSerializer, responses={201: SurveyDetailSerializer}, summary=_("新建问卷")),
    update=extend_schema(request=SurveyUpdateSerializer, responses=SurveyDetailSerializer, summary=_("修改问卷")),
    partial_update=extend_schema(request=SurveyUpdateSerializer, responses=SurveyDetailSerializer, summary=_("修改问卷")),
)
class SurveyViewSet(ActionInputMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Satisfaction surveys the user reads; the office's admin and director write them (others 403)."""

    permission_classes = [permissions.IsAuthenticated, OfficePlannerWrites]

    def get_queryset(self):
        return selectors.survey_list_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return SurveyCreateSerializer
        if self.action in ("update", "partial_update"):
            return SurveyUpdateSerializer
        return SurveyDetailSerializer if self.action == "retrieve" else SurveySerializer

    def _survey_response(self, survey, status_code=status.HTTP_200_OK) -> ApiResponse:
        fresh = self.get_queryset().get(pk=survey.pk)
        return ApiResponse(SurveyDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request):
        data = self._input(SurveyCreateSerializer)
        survey = services.survey_create(
            office=data["office"], year=data["year"], title=data.get("title", ""), intro=data.get("intro", ""),
            once_per=data.get("once_per", OncePer.DEVICE), from_template=data["from_template"], actor=request.user,
            questions=data["questions"],
        )
        return self._survey_response(survey, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        survey = self.get_object()
        data = self._input(SurveyUpdateSerializer, partial=partial)
        services.survey_update(survey=survey, **with_current(survey, data, SURVEY_FIELDS))
        return self._survey_response(survey)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=QuestionInputSerializer, responses={201: SurveyDetailSerializer}, summary=_("添加题目"))
    @action(detail=True, methods=["post"])
    def questions(self, request, pk=None):
        survey = self.get_object()
        services.question_add(survey=survey, **self._input(QuestionInputSerializer))
        return self._survey_response(survey, status.HTTP_201_CREATED)

    @extend_schema(methods=["PATCH"], request=QuestionInputSerializer, responses=SurveyDetailSerializer,
                   summary=_("修改题目"))
    @extend_schema(methods=["DELETE"], request=None, responses={204: None}, summary=_("删除题目"))
    @action(detail=True, methods=["patch", "delete"], url_path=r"questions/(?P<question_id>[0-9]+)")
    def question(self, request, pk=None, question_id=None):
        survey = self.get_object()
        question = get_object_or_404(Question, survey=survey, pk=question_id)
        if request.method == "DELETE":
            services.question_delete(question=question)
            return ApiResponse(status=status.HTTP_204_NO_CONTENT)
        data = self._input(QuestionInputSerializer, partial=True)
        current = {"kind": question.kind, "text": question.text, "options": question.options, "required": question.required}
        services.question_update(question=question, **{**current, **data})
        return self._survey_response(survey)

    @extend_schema(request=MoveSerializer, responses=SurveyDetailSerializer, summary=_("调整题目顺序"))
    @action(detail=True, methods=["post"], url_path=r"questions/(?P<question_id>[0-9]+)/move")
    def question_move(self, request, pk=None, question_id=None):
        survey = self.get_object()
        question = get_object_or_404(Question, survey=survey, pk=question_id)
        services.question_move(question=question, up=self._input(MoveSerializer)["up"])
        return self._survey_response(survey)

    @extend_schema(request=PublishSerializer, responses=SurveyDetailSerializer, summary=_("发布到学校"))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        survey = self.get_object()
        data = self._input(PublishSerializer)
        services.survey_publish(survey=survey, schools=data["schools"], audiences=data["audiences"])
        return self._survey_response(survey)

    @extend_schema(request=None, responses=SurveyDetailSerializer, summary=_("结束调查"))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        survey = self.get_object()
        services.survey_close(survey=survey)
        return self._survey_response(survey)

    @extend_schema(request=None, responses={201: SurveyDetailSerializer}, summary=_("复制为新问卷"))
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        survey = self.get_object()
        copy = services.survey_copy(survey=survey, actor=request.user, year=clock.today().year)
        return self._survey_response(copy, status.HTTP_201_CREATED)

    @extend_schema(request=CodesInputSerializer, responses={201: CodesSerializer}, summary=_("生成访问码"))
    @action(detail=True, methods=["post"], url_path=r"links/(?P<link_id>[0-9]+)/codes")
    def codes(self, request, pk=None, link_id=None):
        survey = self.get_object()
        link = get_object_or_404(survey.links.select_related("survey"), pk=link_id)
        codes = services.access_codes_generate(link=link, count=self._input(CodesInputSerializer)["count"])
        return ApiResponse({"link": link.pk, "codes": [c.code for c in codes]}, status=status.HTTP_201_CREATED)

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
            school_id=whole_number(school), audience=audience if audience in Audience.values else "",
        )
        keys = [a.value for a in results["audiences"]]
        for row in results["schools"]:
            row["responses"] = dict(zip(keys, row["counts"], strict=True))
        return ApiResponse(ResultsSerializer(results).data)


def register(router) -> None:
    router.register("surveys", SurveyViewSet, basename="survey")
