class ChineseFirstMiddleware:
    """Chinese unless the user chose otherwise: the browser's Accept-Language is ignored.

    Staff on English-language browsers still work in the Chinese UI their colleagues see; English is
    an explicit choice (the language cookie set by the switch in the footer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class OutOfRangeIsNotFoundMiddleware:
    """A page id too large for the database column (…/appeals/99999999999999999999/) is a 404, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError
        from django.http import Http404

        if isinstance(exception, OverflowError | DataError):
            raise Http404("参数超出允许范围") from exception
        return None
