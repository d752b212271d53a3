class ChineseFirstMiddleware:
    """Chinese unless the user chose otherwise: the browser's Accept-Language is ignored.

    Staff on English-language browsers still work in the Chinese UI their colleagues see; English is
    an explicit choice (the language cookie set by the switch in the footer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
