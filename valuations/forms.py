"""The rNPV workspace form: assumptions, phases, deal terms and simulation.

The forms only parse what the page sends; the rules of a valid valuation
live in the API's input serializers (``valuations.inputs``), which
``valuation_run`` applies. ``RnpvWorkspace.add_input_errors`` puts their
errors, named by dotted paths, back next to the fields they concern.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import Currency

from .engine.deal import RoyaltyBasis
from .engine.montecarlo import DEFAULT_BINS
from .engine.timing import Timing

DISTRIBUTIONS = [
    ("", _("Fixed: no uncertainty")),
    ("triangular", _("Triangular (low, mode, high)")),
    ("uniform", _("Uniform (low, high)")),
    ("normal", _("Normal (mean, sd)")),
    ("lognormal", _("Lognormal (mean, sd)")),
]


def number(label, *, required=True, help_text="", **attrs):
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any", **attrs}),
    )


def whole(label, *, required=True, help_text="", **kwargs):
    return forms.IntegerField(label=label, required=required, help_text=help_text, **kwargs)


class SharesField(forms.CharField):
    """Shares of peak sales, one per year, typed as ``0.15, 0.35, 0.6``."""

    default_error_messages = {
        "invalid": _("Give numbers separated by commas, e.g. 0.15, 0.35, 0.6."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(format(Decimal(str(item)).normalize(), "f") for item in value)
        return value

    def to_python(self, value):
        text = (value or "").replace("，", ",").strip()
        if not text:
            return []
        try:
            return [str(Decimal(part.strip())) for part in text.split(",") if part.strip()]
        except ArithmeticError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class AssumptionsForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        required=False,
        help_text=_("What this valuation is for, e.g. “Licence offer, March draft”."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    discount_rate = number(_("Discount rate"), help_text=_("0–1, e.g. 0.10 for 10%."))
    timing = forms.ChoiceField(
        label=_("Discounting"),
        choices=[
            (Timing.END_OF_YEAR.value, _("End of year")),
            (Timing.MID_YEAR.value, _("Mid-year")),
        ],
    )
    peak_sales = number(_("Peak annual sales"))
    ramp = SharesField(
        label=_("Ramp to peak"),
        help_text=_("Shares of peak sales in the first years after launch, e.g. 0.15, 0.35."),
    )
    plateau_years = whole(_("Years at peak"), help_text=_("Exclusivity ends after them."))
    erosion = SharesField(
        label=_("Erosion"), help_text=_("Shares of peak sales after exclusivity ends.")
    )
    cogs_rate = number(_("Cost of goods"), help_text=_("Share of sales, 0–1."))
    opex_rate = number(_("Operating costs"), help_text=_("Share of sales, 0–1."))
    tax_rate = number(_("Tax rate"), help_text=_("0–1, on positive yearly profit."))
    launch_delay = whole(
        _("Launch delay (years)"), help_text=_("After the last phase."), initial=0
    )


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Phase"), max_length=100)
    years = whole(_("Years"))
    cost = number(_("Cost"))
    success_probability = number(_("Probability of success"), help_text=_("0–1"))


class MilestoneForm(forms.Form):
    PHASE_SUCCESS = "phase_success"
    SALES = "sales"

    name = forms.CharField(label=_("Milestone"), max_length=200)
    amount = number(_("Amount"))
    trigger = forms.ChoiceField(
        label=_("Paid on"),
        choices=[(PHASE_SUCCESS, _("Success of a phase")), (SALES, _("Annual sales reached"))],
    )
    phase = forms.CharField(
        label=_("Phase"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "phase-names"}),
    )
    sales_threshold = number(_("Annual sales of at least"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("trigger") == self.SALES and data.get("sales_threshold") is None:
            self.add_error("sales_threshold", _("Give the annual sales that trigger it."))
        if data.get("trigger") == self.PHASE_SUCCESS and not data.get("phase"):
            self.add_error("phase", _("Name the phase whose success triggers it."))
        return data


class RoyaltyTierForm(forms.Form):
    up_to = number(_("Annual sales up to"), required=False, help_text=_("Empty on the last tier."))
    rate = number(_("Rate"), help_text=_("0–1"))


class DealForm(forms.Form):
    include = forms.BooleanField(label=_("Value a deal"), required=False)
    upfront = number(_("Upfront"), required=False)
    royalty_basis = forms.ChoiceField(
        label=_("Royalty basis"),
        choices=[
            (RoyaltyBasis.MARGINAL.value, _("Marginal: each rate on its band of sales")),
            (RoyaltyBasis.WHOLE.value, _("Whole: the rate reached on all sales")),
        ],
    )
    royalty_years = whole(
        _("Royalty years"),
        required=False,
        help_text=_("From launch; empty: until the end of the plateau."),
    )
    licensee_cost_share = number(
        _("Licensee's share of development costs"),
        required=False,
        help_text=_("0–1; 1 or empty: the licensee pays all."),
    )


class SimulationForm(forms.Form):
    include = forms.BooleanField(label=_("Run a Monte Carlo simulation"), required=False)
    trials = whole(
        _("Trials"),
        required=False,
        help_text=_("More than 100,000 run in the background."),
    )
    seed = whole(_("Seed"), required=False, help_text=_("Fix it to reproduce a run."))
    bins = whole(_("Histogram bins"), required=False)
    peak_sales_distribution = forms.ChoiceField(
        label=_("Peak sales"), choices=DISTRIBUTIONS, required=False
    )
    low = number(_("Low"), required=False)
    mode = number(_("Mode"), required=False)
    high = number(_("High"), required=False)
    mean = number(_("Mean"), required=False)
    sd = number(_("Standard deviation"), required=False)


class FlexibilityForm(forms.Form):
    include = forms.BooleanField(label=_("Value the option to abandon"), required=False)
    after_phase = forms.CharField(
        label=_("Known after the phase"),
        max_length=100,
        required=False,
        help_text=_("When this phase succeeds, which scenario holds becomes known."),
        widget=forms.TextInput(attrs={"list": "phase-names"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("include") and not data.get("after_phase"):
            self.add_error("after_phase", _("Name the phase after which the scenario is known."))
        return data


class ScenarioForm(forms.Form):
    probability = number(_("Probability"), help_text=_("0–1; the scenarios add up to 1."))
    peak_sales = number(_("Peak annual sales"))


class MenuForm(forms.Form):
    include = forms.BooleanField(label=_("Build a menu of deal structures"), required=False)
    target = number(
        _("Value to the licensor"),
        required=False,
        help_text=_("What it asks, or the lump sum it would accept today."),
    )
    trials = whole(_("Trials per structure"), required=False, min_value=1)
    seed = whole(
        _("Menu seed"), required=False, help_text=_("Fix it to reproduce the menu's simulation.")
    )

    def clean(self):
        data = super().clean()
        if data.get("include") and data.get("target") is None:
            self.add_error("target", _("Give the value the licensor asks."))
        return data


PhaseFormSet = forms.formset_factory(PhaseForm, extra=0, can_delete=True)
ScenarioFormSet = forms.formset_factory(ScenarioForm, extra=0, can_delete=True)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=0, can_delete=True)
RoyaltyTierFormSet = forms.formset_factory(RoyaltyTierForm, extra=0, can_delete=True)


def _text(value):
    return None if value is None else str(value)


def _rows(formset):
    """The forms of a formset that hold a row: not deleted, not blank."""
    return [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


# Where a serializer error of one part of the inputs belongs on the page.
COMMERCIAL_FIELDS = {
    "peak_sales", "ramp", "plateau_years", "erosion", "cogs_rate", "opex_rate", "tax_rate",
    "launch_delay",
}  # fmt: skip
DISTRIBUTION_FIELDS = {"low", "mode", "high", "mean", "sd"}


class RnpvWorkspace:
    """The forms of one rNPV valuation, bound together: built from inputs
    (the project's defaults), read back into inputs, and told the input
    serializers' errors."""

    def __init__(self, data=None, *, inputs=None, label=""):
        initial = self.initial_from(inputs or {}, label)
        bound = data is not None
        self.assumptions = AssumptionsForm(data, initial=None if bound else initial["main"])
        self.phases = PhaseFormSet(
            data, prefix="phases", initial=None if bound else initial["phases"]
        )
        self.deal = DealForm(data, prefix="deal", initial=None if bound else initial["deal"])
        self.milestones = MilestoneFormSet(
            data, prefix="milestones", initial=None if bound else initial["milestones"]
        )
        self.tiers = RoyaltyTierFormSet(
            data, prefix="tiers", initial=None if bound else initial["tiers"]
        )
        self.simulation = SimulationForm(
            data, prefix="simulation", initial=None if bound else initial["simulation"]
        )
        self.flexibility = FlexibilityForm(
            data, prefix="revelation", initial=None if bound else initial["revelation"]
        )
        # A page from before the option to abandon posts no scenarios at all.
        scenario_data = data if data is not None and "scenarios-TOTAL_FORMS" in data else None
        self.scenarios = ScenarioFormSet(
            scenario_data, prefix="scenarios", initial=None if bound else initial["scenarios"]
        )
        self.menu = MenuForm(data, prefix="menu", initial=None if bound else initial["menu"])
        # Errors of a whole section (the phases, the tiers) that no one
        # field holds.
        self.section_errors: dict[str, list[str]] = {}
        self._phase_rows = self._milestone_rows = self._tier_rows = self._scenario_rows = []

    @staticmethod
    def initial_from(inputs: dict, label: str) -> dict:
        commercial = inputs.get("commercial", {})
        deal = inputs.get("deal") or {}
        simulation = inputs.get("simulation") or {}
        peak = simulation.get("peak_sales") or {}
        revelation = inputs.get("revelation") or {}
        menu = inputs.get("menu") or {}
        return {
            "main": {
                "label": label,
                "currency": inputs.get("currency"),
                "discount_rate": inputs.get("discount_rate"),
                "timing": inputs.get("timing", Timing.END_OF_YEAR.value),
                **{key: commercial.get(key) for key in COMMERCIAL_FIELDS},
                "launch_delay": commercial.get("launch_delay", 0),
            },
            "phases": [dict(phase) for phase in inputs.get("phases", [])],
            "deal": {
                "include": bool(inputs.get("deal")),
                "upfront": deal.get("upfront", 0),
                "royalty_basis": deal.get("royalty_basis", RoyaltyBasis.MARGINAL.value),
                "royalty_years": deal.get("royalty_years"),
                "licensee_cost_share": deal.get("licensee_cost_share", 1),
            },
            "milestones": [
                {
                    "name": m["name"],
                    "amount": m["amount"],
                    "trigger": MilestoneForm.SALES
                    if m.get("on_annual_sales_at_least") is not None
                    else MilestoneForm.PHASE_SUCCESS,
                    "phase": m.get("on_phase_success") or "",
                    "sales_threshold": m.get("on_annual_sales_at_least"),
                }
                for m in deal.get("milestones", [])
            ],
            "tiers": [dict(tier) for tier in deal.get("royalty_tiers", [])],
            "simulation": {
                "include": bool(inputs.get("simulation")),
                "trials": simulation.get("trials", 10_000),
                "seed": simulation.get("seed"),
                "bins": simulation.get("bins", DEFAULT_BINS),
                "peak_sales_distribution": peak.get("distribution", ""),
                **{key: peak.get(key) for key in DISTRIBUTION_FIELDS},
            },
            "revelation": {
                "include": bool(revelation),
                "after_phase": revelation.get("after_phase", ""),
            },
            "scenarios": [dict(scenario) for scenario in revelation.get("scenarios", [])],
            "menu": {
                "include": bool(menu),
                "target": menu.get("target"),
                "trials": menu.get("trials", 10_000),
                "seed": menu.get("seed"),
            },
        }

    def is_valid(self) -> bool:
        valid = [self.assumptions.is_valid(), self.phases.is_valid(), self.deal.is_valid()]
        valid += [self.simulation.is_valid(), self.flexibility.is_valid(), self.menu.is_valid()]
        if self.deal.is_valid() and self.deal.cleaned_data["include"]:
            valid += [self.milestones.is_valid(), self.tiers.is_valid()]
        if self.flexibility.is_valid() and self.flexibility.cleaned_data["include"]:
            valid.append(self.scenarios.is_valid())
        return all(valid)

    @property
    def label(self) -> str:
        return self.assumptions.cleaned_data.get("label", "")

    def inputs(self) -> dict:
        """The inputs as the API takes them (numbers as decimal strings)."""
        main = self.assumptions.cleaned_data
        self._phase_rows = _rows(self.phases)
        inputs = {
            "currency": main["currency"],
            "discount_rate": _text(main["discount_rate"]),
            "timing": main["timing"],
            "phases": [
                {
                    "name": form.cleaned_data["name"],
                    "years": form.cleaned_data["years"],
                    "cost": _text(form.cleaned_data["cost"]),
                    "success_probability": _text(form.cleaned_data["success_probability"]),
                }
                for form in self._phase_rows
            ],
            "commercial": {
                "peak_sales": _text(main["peak_sales"]),
                "ramp": main["ramp"],
                "plateau_years": main["plateau_years"],
                "erosion": main["erosion"],
                "cogs_rate": _text(main["cogs_rate"]),
                "opex_rate": _text(main["opex_rate"]),
                "tax_rate": _text(main["tax_rate"]),
                "launch_delay": main["launch_delay"] or 0,
            },
        }
        deal = self.deal.cleaned_data
        if deal["include"]:
            self._milestone_rows = _rows(self.milestones)
            self._tier_rows = _rows(self.tiers)
            inputs["deal"] = {
                "upfront": _text(deal["upfront"] or 0),
                "milestones": [
                    self._milestone(form.cleaned_data) for form in self._milestone_rows
                ],
                "royalty_tiers": [
                    {
                        "up_to": _text(form.cleaned_data["up_to"]),
                        "rate": _text(form.cleaned_data["rate"]),
                    }
                    for form in self._tier_rows
                ],
                "royalty_basis": deal["royalty_basis"],
                "royalty_years": deal["royalty_years"],
                "licensee_cost_share": _text(
                    1 if deal["licensee_cost_share"] is None else deal["licensee_cost_share"]
                ),
            }
        simulation = self.simulation.cleaned_data
        if simulation["include"]:
            inputs["simulation"] = {
                key: simulation[key]
                for key in ("trials", "seed", "bins")
                if simulation[key] is not None
            }
            if simulation["peak_sales_distribution"]:
                inputs["simulation"]["peak_sales"] = {
                    "distribution": simulation["peak_sales_distribution"],
                    **{
                        key: _text(simulation[key])
                        for key in DISTRIBUTION_FIELDS
                        if simulation[key] is not None
                    },
                }
        if self.flexibility.cleaned_data["include"]:
            self._scenario_rows = _rows(self.scenarios)
            inputs["revelation"] = {
                "after_phase": self.flexibility.cleaned_data["after_phase"],
                "scenarios": [
                    {
                        "probability": _text(form.cleaned_data["probability"]),
                        "peak_sales": _text(form.cleaned_data["peak_sales"]),
                    }
                    for form in self._scenario_rows
                ],
            }
        menu = self.menu.cleaned_data
        if menu["include"]:
            inputs["menu"] = {
                "target": _text(menu["target"]),
                **{key: menu[key] for key in ("trials", "seed") if menu[key] is not None},
            }
        return inputs

    @staticmethod
    def _milestone(data: dict) -> dict:
        by_sales = data["trigger"] == MilestoneForm.SALES
        return {
            "name": data["name"],
            "amount": _text(data["amount"]),
            "on_phase_success": None if by_sales else data["phase"],
            "on_annual_sales_at_least": _text(data["sales_threshold"]) if by_sales else None,
        }

    # --- serializer errors back onto the forms ------------------------------

    def add_input_errors(self, fields: dict[str, list[str]]) -> None:
        """Put the messages of a ``ValuationInputError`` (its ``fields``,
        keyed by dotted paths) next to the fields they name."""
        for where, messages in fields.items():
            path = tuple(part for part in where.split(".") if part != "non_field_errors")
            for message in messages:
                self._place(path, str(message))

    def _place(self, path: tuple, message: str) -> None:
        message = _ui_wording(message)
        head, rest = (path[0], path[1:]) if path else ("", ())
        if head in ("currency", "discount_rate", "timing") and not rest:
            return self.assumptions.add_error(head, message)
        if head == "commercial" and rest and rest[0] in COMMERCIAL_FIELDS:
            return self.assumptions.add_error(rest[0], message)
        if head == "phases":
            return self._place_in_rows("phases", self._phase_rows, rest, message, {})
        if head == "deal" and rest:
            part, inner = rest[0], rest[1:]
            if part == "milestones":
                fields = {
                    "on_phase_success": "phase",
                    "on_annual_sales_at_least": "sales_threshold",
                }
                return self._place_in_rows(
                    "milestones", self._milestone_rows, inner, message, fields
                )
            if part == "royalty_tiers":
                return self._place_in_rows("tiers", self._tier_rows, inner, message, {})
            if part in self.deal.fields and not inner:
                return self.deal.add_error(part, message)
        if head == "simulation" and rest:
            part, inner = rest[0], rest[1:]
            if part in ("trials", "seed", "bins") and not inner:
                return self.simulation.add_error(part, message)
            if part == "peak_sales":
                field = inner[0] if inner else "peak_sales_distribution"
                if field == "distribution" or field not in DISTRIBUTION_FIELDS:
                    field = "peak_sales_distribution"
                return self.simulation.add_error(field, message)
            return self.section_errors.setdefault("simulation", []).append(message)
        if head == "revelation" and rest:
            part, inner = rest[0], rest[1:]
            if part == "after_phase":
                return self.flexibility.add_error("after_phase", message)
            if part == "scenarios":
                return self._place_in_rows("scenarios", self._scenario_rows, inner, message, {})
        if head == "menu" and rest:
            part = rest[0]
            if part in ("target", "trials", "seed") and len(rest) == 1:
                return self.menu.add_error(part, message)
            return self.section_errors.setdefault("menu", []).append(message)
        where = ".".join(str(part) for part in path)
        self.assumptions.add_error(None, f"{where}: {message}" if where else message)

    def _place_in_rows(self, section, rows, path, message, fields) -> None:
        if len(path) >= 2 and str(path[0]).isdigit() and int(path[0]) < len(rows):
            form = rows[int(path[0])]
            field = fields.get(path[1], path[1])
            if field in form.fields:
                form.add_error(field, message)
                return
        self.section_errors.setdefault(section, []).append(message)


# Messages of the input serializers that speak the API's language, said as
# the form says it.
UI_WORDING = {
    "The last tier is open-ended: send up_to null.": _(
        "The last tier is open-ended: leave it empty."
    ),
}


def _ui_wording(message: str) -> str:
    for api_message, ui_message in UI_WORDING.items():
        if message == str(_(api_message)):
            return str(ui_message)
    return message


class SolveForm(forms.Form):
    """The calculator of the result page: which term gives which party
    what value."""

    term = forms.ChoiceField(
        label=_("Solve for"),
        choices=[
            ("upfront", _("The upfront")),
            ("royalty_scale", _("A factor on every royalty rate")),
            ("milestone_scale", _("A factor on every milestone amount")),
        ],
    )
    party = forms.ChoiceField(
        label=_("So that"),
        choices=[("licensor", _("the licensor")), ("licensee", _("the licensee"))],
    )
    target = number(_("Gets an rNPV of"))

    def solve(self) -> dict:
        data = self.cleaned_data
        return {"for": data["term"], "party": data["party"], "target": str(data["target"])}
