"""Flood protection shared by the public forms: a caller over the limit is refused, others are not."""
import pytest

from supervision.models import Throttle
from supervision.throttle import throttle_hit

pytestmark = pytest.mark.django_db


def test_a_caller_is_refused_once_over_the_limit_and_others_still_pass():
    results = [throttle_hit(scope="survey", key="10.0.0.1", limit=3, window_seconds=3600) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert throttle_hit(scope="survey", key="10.0.0.2", limit=3, window_seconds=3600) is True
    # The same address is counted separately for another form.
    assert throttle_hit(scope="complaint", key="10.0.0.1", limit=3, window_seconds=3600) is True


def test_no_ip_address_is_stored():
    throttle_hit(scope="survey", key="192.168.7.21", limit=3, window_seconds=60)
    row = Throttle.objects.get()
    assert "192.168" not in row.key and len(row.key) == 64 and row.count == 1
