from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.health import readiness


@require_safe
@never_cache
def healthz(request):
    """Liveness: the process answers. It touches nothing else, so a database
    or cache outage does not get every web process restarted."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    """Readiness, for load balancers: 200 when the database, cache, broker
    and storage answer and every migration is applied, 503 otherwise; the
    beat heartbeat's age is shown (``core.health``)."""
    state = readiness()
    return JsonResponse(state.as_body(), status=200 if state.ready else 503)
