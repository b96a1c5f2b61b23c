from django import forms
from django.utils.translation import gettext_lazy as _

from core.ui.forms import Form

from .choices import ImportKind
from .kinds import KINDS


class UploadForm(Form):
    kind = forms.ChoiceField(label=_("Kind of record"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("XLSX or CSV (UTF-8 or GB18030), one header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class MappingForm(Form):
    """One drop-down per header of the file: the column it fills, or none."""

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        kind = KINDS[job.kind]
        choices = [("", _("Do not import"))] + [
            (column.key, f"{column.label}{' *' if column.required else ''}")
            for column in kind.all_columns
        ]
        for index, title in enumerate(job.header):
            field = forms.ChoiceField(
                label=title or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=job.mapping.get(str(index), ""),
            )
            field.widget.attrs["class"] = "form-select"
            self.fields[f"column_{index}"] = field

    def mapping(self) -> dict[int, str]:
        return {
            int(name.removeprefix("column_")): value
            for name, value in self.cleaned_data.items()
            if value
        }
