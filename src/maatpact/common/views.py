from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers; ``?db=1`` also checks the database (readiness)."""
    if request.GET.get("db"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
