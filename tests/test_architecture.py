"""The layers of the house (docs/architecture.md), read from the imports.

Every module of BioBridge belongs to a unit: the domain of an app (models,
choices, services, selectors, computations, events), one of its front doors
(the staff UI, the API, the admin, its Celery tasks), the partner portal,
the shared front-door kit in ``core``, or the top (``config``, ``demo``).
The rules:

- read app by app, the imports run one way: an app imports only the apps
  below it (the domain layers, then the portal, then the top), whatever
  its modules are, so the app-level graph has no cycle and no arrow up;
- the domain layers run one way: an app's domain imports only the domains
  below it;
- a front door imports domains, the kit, and front doors of its own kind
  (the staff UI of one app may use another's staff UI), never another kind:
  the portal does not import the staff UI, the API does not import forms;
- the kit imports only domains;
- nothing imports the top;
- the units' import graph has no cycle;
- an import inside a function says why on the line above or beside it;
- a domain speaks no HTTP API framework (one named exception below), and
  the valuation engine imports numpy and the standard library only.

Imports are read from the source, module-level and inside functions alike,
so a circle dodged by a late import still counts.
"""

import ast
import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Domain layers, bottom to top. Apps in one tuple share a layer and must
# not import each other.
DOMAIN_LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("accounts",),
    ("pipelines",),
    ("partnerships",),
    ("projects",),
    ("achievements",),
    ("valuations", "distributions"),
    ("reports", "calendars", "search", "imports"),
    ("notifications", "webhooks"),
]
DOMAIN_RANK = {app: rank for rank, apps in enumerate(DOMAIN_LAYERS) for app in apps}
TOP = ("config", "demo")
APPS = (*DOMAIN_RANK, "portal", *TOP)
# The apps' layers, read app by app: the domains, the portal above them
# all, and the top (config and demo share it and do not import each other).
APP_RANK = {
    **DOMAIN_RANK,
    "portal": len(DOMAIN_LAYERS),
    **dict.fromkeys(TOP, len(DOMAIN_LAYERS) + 1),
}

# Modules of core that are front-door kit: shared by the staff UI, the
# portal and the API, never by a domain.
CORE_KIT = ("core.api", "core.ui", "core.views", "core.templatetags", "core.middleware")

# Front doors inside an app, by the module's last name (or a package on its
# path).
UI_NAMES = {"views", "urls", "forms", "templatetags", "context_processors"}
UI_SUFFIXES = ("_views", "_urls", "_forms")


@dataclass(frozen=True)
class Unit:
    app: str
    kind: str  # "domain", "ui", "api", "admin", "tasks", "portal", "kit", "top"

    def __str__(self):
        return self.app if self.kind == "domain" else f"{self.app}[{self.kind}]"


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: bool
    reason_given: bool


def unit_of(module: str) -> Unit:
    parts = module.split(".")
    app = parts[0]
    if app in TOP:
        return Unit(app, "top")
    if app == "portal":
        return Unit(app, "portal")
    if any(module == kit or module.startswith(kit + ".") for kit in CORE_KIT):
        return Unit(app, "kit")
    inner = parts[1:]
    if "api" in inner or inner[-1:] == ["authentication"]:
        return Unit(app, "api")
    if "management" in inner:
        return Unit(app, "tasks")
    if inner and inner[-1] == "admin":
        return Unit(app, "admin")
    if inner and inner[-1] == "tasks":
        return Unit(app, "tasks")
    if any(part in UI_NAMES or part.endswith(UI_SUFFIXES) for part in inner):
        return Unit(app, "ui")
    return Unit(app, "domain")


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _has_reason(lines: list[str], node: ast.stmt) -> bool:
    """A comment on the import's line, or on the line just above it."""
    own = lines[node.lineno - 1]
    above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
    return "#" in own or above.startswith("#")


def imports_of(module: str, path: Path) -> list[Import]:
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    inside_functions = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(node)
        if isinstance(inner, ast.Import | ast.ImportFrom)
    }
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
                # "from . import tasks" imports the module tasks.
                targets = (
                    [f"{stem}.{alias.name}" for alias in node.names]
                    if node.module is None
                    else [stem]
                )
            else:
                targets = [node.module]
        else:
            continue
        for target in targets:
            if target.split(".")[0] not in APPS:
                continue
            in_function = id(node) in inside_functions
            found.append(
                Import(
                    importer=module,
                    imported=target,
                    line=node.lineno,
                    in_function=in_function,
                    reason_given=in_function and _has_reason(lines, node),
                )
            )
    return found


def all_imports() -> list[Import]:
    return [
        found for module, path in project_modules().items() for found in imports_of(module, path)
    ]


def refusal(importer: Unit, imported: Unit) -> str | None:
    """Why ``importer`` may not import ``imported``, or None if it may."""
    if importer == imported:
        return None
    if importer.app != imported.app and APP_RANK[imported.app] >= APP_RANK[importer.app]:
        return "an app imports only the apps below it"
    if imported.kind == "top":
        return "nothing imports the top (config, demo)"
    if importer.kind == "top":
        return None
    if importer.kind == "domain":
        if imported.kind != "domain":
            return "a domain imports no front door"
        if DOMAIN_RANK[imported.app] >= DOMAIN_RANK[importer.app]:
            return "a domain imports only the domains below it"
        return None
    if imported.kind == "domain":
        return None
    if importer.kind == "kit":
        return "the kit imports only domains" if imported.kind != "kit" else None
    if imported.kind == "kit":
        return None
    if importer.kind != imported.kind:
        return "a front door imports no front door of another kind"
    return None


def unit_graph(imports: list[Import]) -> dict[Unit, set[Unit]]:
    graph: dict[Unit, set[Unit]] = {}
    for found in imports:
        source, target = unit_of(found.importer), unit_of(found.imported)
        if source != target:
            graph.setdefault(source, set()).add(target)
    return graph


def cycles(graph: dict[Unit, set[Unit]]) -> list[list[Unit]]:
    """The strongly connected components with more than one unit (Tarjan)."""
    index: dict[Unit, int] = {}
    low: dict[Unit, int] = {}
    stack: list[Unit] = []
    on_stack: set[Unit] = set()
    components = []
    counter = itertools.count()

    def visit(unit: Unit) -> None:
        index[unit] = low[unit] = next(counter)
        stack.append(unit)
        on_stack.add(unit)
        for neighbour in graph.get(unit, ()):
            if neighbour not in index:
                visit(neighbour)
                low[unit] = min(low[unit], low[neighbour])
            elif neighbour in on_stack:
                low[unit] = min(low[unit], index[neighbour])
        if low[unit] == index[unit]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == unit:
                    break
            if len(component) > 1:
                components.append(sorted(component, key=str))

    for unit in sorted(graph, key=str):
        if unit not in index:
            visit(unit)
    return components


# --- The rules ------------------------------------------------------------


def layer_violations() -> set[tuple[str, str]]:
    return {
        (found.importer, found.imported)
        for found in all_imports()
        if refusal(unit_of(found.importer), unit_of(found.imported))
    }


def unexplained_late_imports() -> set[tuple[str, str]]:
    return {
        (found.importer, found.imported)
        for found in all_imports()
        if found.in_function and not found.reason_given
    }


def _lines(pairs) -> list[str]:
    return [f"{importer} imports {imported}" for importer, imported in sorted(pairs)]


def test_every_import_runs_down_the_layers():
    assert _lines(layer_violations()) == []


def test_the_units_import_graph_has_no_cycle():
    assert [" ↔ ".join(map(str, cycle)) for cycle in cycles(unit_graph(all_imports()))] == []


def test_imports_inside_functions_say_why():
    assert _lines(unexplained_late_imports()) == []


# The valuation engine's input contract is declared once, as the serializers
# that the API also renders into its OpenAPI schema; the valuation services
# validate with them and raise the domain's error.
DOMAIN_MODULES_SPEAKING_DRF = {"valuations.inputs"}


def third_party_imports(module: str, path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] not in APPS}


def test_domains_speak_no_http_api_framework():
    """Services, selectors and models raise the domain's errors; rendering
    them as HTTP is the front doors' business."""
    speaking = {
        module
        for module, path in project_modules().items()
        if unit_of(module).kind == "domain"
        and any(
            name.split(".")[0] in ("rest_framework", "drf_spectacular")
            for name in third_party_imports(module, path)
        )
    }
    assert sorted(speaking) == sorted(DOMAIN_MODULES_SPEAKING_DRF)


ENGINE_MAY_IMPORT = {
    "numpy",
    "math",
    "dataclasses",
    "enum",
    "__future__",
    "typing",
    "functools",
    "statistics",
}


def test_the_valuation_engine_is_pure():
    """numpy and the standard library only: no Django, no other app."""
    engine = {
        module: path
        for module, path in project_modules().items()
        if module.startswith("valuations.engine")
    }
    assert engine
    outside = {
        (module, name)
        for module, path in engine.items()
        for name in third_party_imports(module, path)
        if name.split(".")[0] not in ENGINE_MAY_IMPORT
    } | {
        (found.importer, found.imported)
        for module, path in engine.items()
        for found in imports_of(module, path)
        if not found.imported.startswith("valuations.engine")
    }
    assert _lines(outside) == []


# --- The reader itself ----------------------------------------------------


@pytest.mark.parametrize(
    ("module", "unit"),
    [
        ("projects.services.milestones", Unit("projects", "domain")),
        ("projects.views.money", Unit("projects", "ui")),
        ("partnerships.editing_views", Unit("partnerships", "ui")),
        ("partnerships.agreement_urls", Unit("partnerships", "ui")),
        ("projects.api.serializers", Unit("projects", "api")),
        ("projects.admin", Unit("projects", "admin")),
        ("accounts.authentication", Unit("accounts", "api")),
        ("projects.tasks", Unit("projects", "tasks")),
        ("core.api.errors", Unit("core", "kit")),
        ("core.ui.lists", Unit("core", "kit")),
        ("core.money", Unit("core", "domain")),
        ("portal.views.overview", Unit("portal", "portal")),
        ("config.urls", Unit("config", "top")),
    ],
)
def test_each_module_belongs_to_the_unit_its_path_names(module, unit):
    assert unit_of(module) == unit


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        (Unit("projects", "domain"), Unit("partnerships", "domain"), True),
        (Unit("partnerships", "domain"), Unit("projects", "domain"), False),
        (Unit("notifications", "domain"), Unit("webhooks", "domain"), False),
        (Unit("projects", "domain"), Unit("projects", "ui"), False),
        (Unit("core", "domain"), Unit("core", "kit"), False),
        (Unit("portal", "portal"), Unit("projects", "ui"), False),
        (Unit("projects", "api"), Unit("projects", "ui"), False),
        (Unit("projects", "ui"), Unit("partnerships", "ui"), True),
        (Unit("partnerships", "ui"), Unit("projects", "ui"), False),
        (Unit("partnerships", "api"), Unit("projects", "domain"), False),
        (Unit("config", "top"), Unit("demo", "top"), False),
        (Unit("portal", "portal"), Unit("core", "kit"), True),
        (Unit("core", "kit"), Unit("core", "domain"), True),
        (Unit("core", "kit"), Unit("accounts", "domain"), False),
        (Unit("projects", "ui"), Unit("config", "top"), False),
        (Unit("config", "top"), Unit("portal", "portal"), True),
    ],
)
def test_the_rule_for_one_import(importer, imported, allowed):
    assert (refusal(importer, imported) is None) is allowed


def app_graph(imports: list[Import]) -> dict[Unit, set[Unit]]:
    graph: dict[Unit, set[Unit]] = {}
    for found in imports:
        source, target = found.importer.split(".")[0], found.imported.split(".")[0]
        if source != target:
            graph.setdefault(Unit(source, "app"), set()).add(Unit(target, "app"))
    return graph


def test_the_apps_import_graph_has_no_cycle():
    """The rule above forbids it; this reads the graph the way a newcomer
    draws it from the folder names."""
    assert [" ↔ ".join(map(str, cycle)) for cycle in cycles(app_graph(all_imports()))] == []


def test_a_circle_of_units_is_found():
    a, b, c = Unit("a", "domain"), Unit("b", "domain"), Unit("c", "domain")
    assert cycles({a: {b}, b: {c}, c: {a}}) == [[a, b, c]]
    assert cycles({a: {b}, b: {c}}) == []


def test_a_late_import_counts_and_needs_a_reason(tmp_path):
    module = tmp_path / "late.py"
    module.write_text(
        "def f():\n"
        "    from projects.models import Milestone\n"
        "\n"
        "\n"
        "def g():\n"
        "    # Celery finds its tasks by name once the app is ready.\n"
        "    from projects.tasks import remind\n"
    )
    found = imports_of("partnerships.late", module)
    assert [(i.imported, i.in_function, i.reason_given) for i in found] == [
        ("projects.models", True, False),
        ("projects.tasks", True, True),
    ]
