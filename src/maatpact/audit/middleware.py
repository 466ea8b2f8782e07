import uuid

from asgiref.local import Local

_local = Local()


def current_request_id() -> str:
    return getattr(_local, "request_id", "")


class RequestIdMiddleware:
    """Gives each request an id, so audit records of one request can be grouped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:36] or str(uuid.uuid4())
        _local.request_id = request_id
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            _local.request_id = ""
        response["X-Request-ID"] = request_id
        return response


class AccessAttemptMiddleware:
    """Pages: a 404 for a household outside the caller's scope is recorded as an attempt.

    Runs in ``process_exception``, after the view has given up (and its transactions
    have rolled back), before Django renders the 404 page; see ``audit.probes``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .probes import record_refused

        record_refused(request, exception)
        return None
