"""The researcher's rewards: their lines of approved distribution runs and
their statement of each run. Every line comes through
``distributions.selectors.lines_visible_to``, so another inventor's
statement answers 404, like a missing one."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from achievements.research_views import researcher_view

from .selectors import reward_lines_for, runs_with_lines_visible_to
from .statements import statement_totals
from .views.runs import statement_response


@researcher_view
@require_GET
def rewards(request):
    """My rewards: the lines of approved runs, by run, with the statements."""
    runs = {}
    for line in reward_lines_for(request.user):
        entry = runs.setdefault(line.run_id, {"run": line.run, "lines": []})
        entry["lines"].append(line)
    for entry in runs.values():
        entry["totals"] = statement_totals(entry["lines"])
    return render(request, "distributions/research_rewards.html", {"runs": list(runs.values())})


@researcher_view
@require_GET
def reward_statement(request, pk):
    """The researcher's own statement of a run."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    run = get_object_or_404(runs_with_lines_visible_to(request.user), pk=pk)
    return statement_response(request.user, run, person)
