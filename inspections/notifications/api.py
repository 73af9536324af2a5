"""REST API of the user's notifications (通知): the inbox, read and read-all."""
import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from supervision.api import ReadOnlyModelSerializer

from inspections.models import Notification
from inspections.notifications import services as notifications


class NotificationSerializer(ReadOnlyModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "ticket", "created_at", "read_at", "is_read"]

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(label=_("未读"), field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("标记为已读的通知数。"))


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own inbox (站内通知), unread first; another user's notification answers 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = []
    search_fields = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return notifications.inbox_for(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer, summary=_("标记为已读"))
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notifications.notification_mark_read(notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer, summary=_("全部标记为已读"))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications.notifications_mark_all_read(user=request.user)})
