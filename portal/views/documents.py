"""The partner's documents: the files of its projects, milestones and
agreements that it may see, to filter by project, download and add to."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.errors import DomainError
from core.templatetags.biobridge import localized
from core.ui.forms import Form
from portal.access import partner_view
from projects.downloads import document_file_response
from projects.selectors import documents_visible_to, milestones_visible_to, projects_visible_to
from projects.services import document_upload as document_upload_service
from projects.services.documents import ALLOWED_TYPES, max_document_bytes

DOCUMENTS_PER_PAGE = 30


def _partner_projects(user):
    return projects_visible_to(user).order_by("code")


def _partner_milestones(user):
    """Milestones the partner may attach evidence to: those of its own
    agreements, which is what its scoping selector gives it."""
    return milestones_visible_to(user).order_by("project__code", "due_date", "pk")


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {localized(obj, 'title')}"


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.project.code} · {obj.name}"


class DocumentFilterForm(forms.Form):
    project = ProjectChoiceField(
        label=gettext_lazy("Project"),
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All projects"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only projects that have documents to show: an enterprise may have
        # thousands of projects, most of them without any.
        self.fields["project"].queryset = _partner_projects(user).filter(
            id__in=documents_visible_to(user).values("project_id")
        )


# Above this many projects a drop-down is no help (and a heavy page): the
# partner types the project's code, which is checked the same way.
PROJECT_CHOICES_LISTED = 200


class PortalDocumentUploadForm(Form):
    project = ProjectChoiceField(
        label=gettext_lazy("Project"), queryset=None, to_field_name="code"
    )
    milestone = MilestoneChoiceField(
        label=gettext_lazy("Milestone"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("None: a document of the project"),
        help_text=gettext_lazy("Evidence for a milestone is attached to it."),
    )
    file = forms.FileField(label=gettext_lazy("File"))
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=255, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        projects = _partner_projects(user)
        self.fields["project"].queryset = projects
        if projects.count() > PROJECT_CHOICES_LISTED:
            self.fields["project"].widget = forms.TextInput(
                attrs={"class": "form-control", "autocomplete": "off"}
            )
            self.fields["project"].help_text = _("The project's code, e.g. %(code)s.") % {
                "code": projects.values_list("code", flat=True).first()
            }
        self.fields["milestone"].queryset = _partner_milestones(user).select_related("project")
        self.fields["file"].help_text = _(
            "Accepted: %(types)s; at most %(limit)s. The file is checked on its content."
        ) % {
            "types": ", ".join(sorted(ALLOWED_TYPES)),
            "limit": filesizeformat(max_document_bytes()).replace("\xa0", " "),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(sorted(ALLOWED_TYPES))

    def clean(self):
        cleaned = super().clean()
        project, milestone = cleaned.get("project"), cleaned.get("milestone")
        if project and milestone and milestone.project_id != project.pk:
            self.add_error("milestone", _("This milestone belongs to another project."))
        return cleaned


@partner_view
@require_GET
def document_list(request):
    """The partner's documents, newest first, optionally of one project."""
    filter_form = DocumentFilterForm(request.GET or None, user=request.user)
    documents = documents_visible_to(request.user).select_related("uploaded_by")
    project = None
    if filter_form.is_valid():
        project = filter_form.cleaned_data["project"]
        if project is not None:
            documents = documents.filter(project=project)
    page = Paginator(documents.order_by("-uploaded_at", "-id"), DOCUMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/document_list.html",
        {"filter_form": filter_form, "page": page, "project": project},
    )


@partner_view
def document_upload(request):
    """Attach a file to one of the partner's projects or milestones.
    ``?project=`` and ``?milestone=`` preset the target."""
    user = request.user
    if request.method == "POST":
        form = PortalDocumentUploadForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                # Partners' uploads are never internal: the service sees to
                # it, and this form does not even ask.
                document = document_upload_service(
                    uploaded_file=data["file"],
                    by=user,
                    project=data["project"],
                    milestone=data["milestone"],
                    description=data["description"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request, _("%(name)s uploaded.") % {"name": document.original_name}
                )
                query = urlencode({"project": data["project"].code})
                return redirect(f"{reverse('portal:documents')}?{query}")
        status = 400
    else:
        initial = {}
        project = _partner_projects(user).filter(code=request.GET.get("project") or "").first()
        milestone_pk = request.GET.get("milestone") or ""
        milestone = (
            _partner_milestones(user).filter(pk=milestone_pk).first()
            if milestone_pk.isdigit()
            else None
        )
        if milestone is not None:
            initial = {"project": milestone.project.code, "milestone": milestone.pk}
        elif project is not None:
            initial = {"project": project.code}
        form = PortalDocumentUploadForm(initial=initial, user=user)
        status = 200
    return render(request, "portal/document_upload.html", {"form": form}, status=status)


@partner_view
def document_download(request, document_pk):
    """The file, as an attachment under its original name. Another
    enterprise's document, an internal one or a missing one answer 404."""
    document = get_object_or_404(documents_visible_to(request.user), pk=document_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return document_file_response(document)
