class ChineseFirstMiddleware:
    """Chinese first: the browser's Accept-Language is ignored, so the UI is zh-hans unless the user
    picked another language with the switcher (django_language cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
