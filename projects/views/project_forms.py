"""Registering and editing a project in the staff UI, through
``project_register`` and ``project_update``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError
from projects import services
from projects.forms import ProjectForm
from projects.selectors import project_detail_for, staff_work_on_project


def _save(form, user, *, project=None):
    """Call the service; put its refusals on the form. The project, or None."""
    data = dict(form.cleaned_data)
    partners = list(data.pop("partner_enterprises", []))
    try:
        if project is None:
            saved = services.project_register(
                project=form.instance, by=user, partner_enterprises=partners
            )
        else:
            saved = services.project_update(
                project=project, by=user, partner_enterprises=partners, **data
            )
    except DomainError as error:
        form.add_domain_error(error)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    else:
        return saved
    return None


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    """Register a project at its starting stage."""
    if not (has_full_access(request.user) or is_centre_staff_user(request.user)):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        project = _save(form, request.user)
        if project is not None:
            messages.success(request, _("Project %(code)s registered.") % {"code": project.code})
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "project": None})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, code):
    """Change a project's particulars; its stage moves by decisions only."""
    project = get_object_or_404(project_detail_for(request.user), code=code)
    if not staff_work_on_project(request.user, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The form's validation wrote onto the instance; the service works
        # from the row as stored and records what changed.
        stored = project_detail_for(request.user).get(pk=project.pk)
        if _save(form, request.user, project=stored) is not None:
            messages.success(request, _("Project %(code)s saved.") % {"code": project.code})
            return redirect(stored)
    return render(request, "projects/form.html", {"form": form, "project": project})
