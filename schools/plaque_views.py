"""Public plaque pages (挂牌督导) and printable posters (filled in by the plaque work)."""
from django.http import Http404


def plaque(request, code):
    raise Http404


plaque_poster = plaque
