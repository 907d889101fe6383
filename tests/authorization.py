"""The generated authorization matrix's machinery: every URL pattern of the URLconf,
its path parameters filled with real objects of one organisation, and who owns what.

Nothing here lists URLs or models by hand: a URL added tomorrow is enumerated from
the URLconf, and its parameters are filled from the model they name (``<model>_id``,
``<model>_uuid``, or the view's own ``model`` for ``pk``). A parameter of our own code
that names no model is reported, so the next URL cannot slip through unfilled.
"""

import itertools
import re
import uuid as uuid_module
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.models import Page, Site

OUR_CODE = ("lms.", "courses.", "relais_")
# Where the matrix leaves its totals for the run's summary (tests/conftest.py).
REPORT = pytest.StashKey[list]()
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rx>\w+)>")
# Parameters that name no object: a value of the right shape is enough.
PLAIN_VALUES = {
    "kind": ["csv"],
    "filter_spec": ["original"],
    "action": ["delete"],
    "action_name": ["publish"],
    "data_type": ["state"],
    "sub_content_id": ["0"],
    "item": ["0"],
    "uidb64": ["MQ"],
    "token": ["forged-token"],
    "path": ["content/content.json"],
    "revision_id_a": ["earliest"],
    "revision_id_b": ["latest"],
}
# Parameters naming a model's label rather than an object.
LABEL_PARAMETERS = {
    "app_label",
    "app_name",
    "content_type_app_name",
    "model_name",
    "content_type_model_name",
}
# Words in parameter names that name a model under another name.
ALIASES = {
    "doc": "document",
    "parent_page": "page",
    "page_to_move": "page",
    "destination": "page",
    "pairing": "pairing",
    "task_state": "taskstate",
    "workflow_state": "workflowstate",
    "uploaded_file": "uploadeddocument",
    "page_view_restriction": "pageviewrestriction",
    "restriction": "pageviewrestriction",
    "people": "membership",
    "issuer": "site",
    "assertion": "badgeaward",
    "result": "quiz",
    "quizze": "quiz",
}


@dataclass
class Route:
    pattern: str
    name: str
    namespace: str
    callback: object
    parameters: list[tuple[str, str]] = field(default_factory=list)

    @property
    def module(self):
        return getattr(self.callback, "__module__", "") or ""

    @property
    def is_ours(self):
        return self.module.startswith(OUR_CODE)

    @property
    def is_admin(self):
        return self.pattern.startswith(("admin/", "cms/"))

    def url(self, values):
        path = self.pattern
        for converter, name in self.parameters:
            value = str(values[name])
            if converter == "regex":
                path = re.sub(rf"\(\?P<{name}>[^)]*\)", value, path, count=1)
            else:
                path = re.sub(rf"<(?:\w+:)?{name}>", value, path, count=1)
        return "/" + path.replace("^", "").replace("$", "")


def routes():
    found = []

    def walk(resolver, prefix, namespaces):
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = namespaces + ((entry.namespace,) if entry.namespace else ())
                walk(entry, pattern, ns)
            elif isinstance(entry, URLPattern):
                route = Route(
                    pattern, entry.name or "", ":".join(namespaces), entry.callback
                )
                for match in PARAMETER.finditer(pattern):
                    if match["rx"]:
                        route.parameters.append(("regex", match["rx"]))
                    else:
                        route.parameters.append(
                            (match["converter"] or "str", match["name"])
                        )
                found.append(route)

    walk(get_resolver(), "", ())
    return found


def _owner_q(model, organisation, depth=0):
    """A filter for ``model``'s rows that belong to ``organisation``, found by
    following foreign keys to the organisation, its pages or its members."""
    if issubclass(model, Site):
        return Q(pk=organisation.pk)
    if issubclass(model, Page):
        return Q(path__startswith=organisation.root_page.path)
    if model is get_user_model():
        return Q(memberships__organisation=organisation)
    if depth > 2:
        return None
    for field_ in model._meta.get_fields():
        if not (field_.many_to_one or field_.one_to_one) or not field_.concrete:
            continue
        target = field_.related_model
        if target is None or target is model:
            continue
        inner = _owner_q(target, organisation, depth + 1)
        if inner is not None:
            return Q(**{f"{field_.name}__in": target.objects.filter(inner)})
    return None


def owned_by(model, organisation):
    q = _owner_q(model, organisation)
    if q is None:
        return model.objects.none()
    try:
        return model._default_manager.filter(q).distinct()
    except Exception:
        return model.objects.none()


def _models_named(word, route):
    """Models a word of a URL names: the same name, else the shortest names that
    end with it (``step``: PathStep), else those that start with it (``lesson``:
    LessonPage); the URL's own app first. Several when it cannot tell."""
    word = ALIASES.get(word, word).replace("_", "").replace("-", "")
    if not word:
        return []
    names = {m: m._meta.model_name for m in apps.get_models()}
    for test in (str.__eq__, str.endswith, str.startswith):
        found = [m for m, name in names.items() if test(name, word)]
        if found:
            app = apps.get_containing_app_config(route.module)
            local = [m for m in found if app and m._meta.app_label == app.label]
            found = local or found
            shortest = min(len(names[m]) for m in found)
            return [m for m in found if len(names[m]) == shortest]
    return []


def _model_of_view(route):
    callback = route.callback
    initkwargs = getattr(callback, "view_initkwargs", {}) or {}
    model = initkwargs.get("model") or getattr(
        getattr(callback, "view_class", None), "model", None
    )
    if isinstance(model, type) and issubclass(model, models.Model):
        return [model]
    match = re.match(
        r"wagtailsnippets(?:choose)?_(\w+?)_(\w+)$", route.namespace.split(":")[-1]
    )
    if match:
        try:
            return [apps.get_model(match[1], match[2])]
        except LookupError:
            return []
    for segment in reversed(route.pattern.split("<")[0].strip("/^").split("/")):
        for word in (segment, segment.rstrip("s")):
            found = _models_named(word, route)
            if found:
                return found
    return []


def models_for(route, name):
    if name in {"pk", "id", "object_id", "uuid"}:
        return _model_of_view(route)
    stem = re.sub(r"_(id|pk|uuid)$", "", name)
    for word in (stem, *stem.split("_")):
        found = _models_named(word, route)
        if found:
            return found
    return []


def _value(obj, converter, name):
    if converter == "uuid" or name.endswith("uuid"):
        for candidate in ("uuid", "pk"):
            value = getattr(obj, candidate, None)
            if isinstance(value, uuid_module.UUID):
                return value
        return None
    return obj.pk


def candidates(route, name, converter, organisation, extra):
    """Real values of ``organisation``'s objects for one parameter, or None."""
    if name in extra:
        return extra[name]
    if name in PLAIN_VALUES:
        return PLAIN_VALUES[name]
    if name in LABEL_PARAMETERS:
        return None  # filled together below
    named = models_for(route, name)
    if not named:
        return None
    values = []  # empty: the organisation has no such object (not a naming problem)
    for model in named:  # one object of each model the parameter may name
        for obj in owned_by(model, organisation)[:40]:
            value = _value(obj, converter, name)
            if value is not None:
                values.append(value)
                break
    return values


def fillings(route, organisation, extra, limit=2):
    """Up to ``limit`` ways to fill the route's parameters with the organisation's
    objects, the names of parameters that name no model, and whether every value
    is a real object of the organisation."""
    names = [name for _conv, name in route.parameters]
    if any(name in LABEL_PARAMETERS for name in names):
        labels = {
            "app_label": "courses",
            "app_name": "courses",
            "content_type_app_name": "courses",
            "model_name": "coursepage",
            "content_type_model_name": "coursepage",
        }
    else:
        labels = {}
    options, unfilled, real = [], [], True
    for converter, name in route.parameters:
        if name in labels:
            options.append([labels[name]])
            real = False  # a model's label, no object of the organisation's
            continue
        found = candidates(route, name, converter, organisation, extra)
        if found is None:
            unfilled.append(name)
        if not found:
            real = False
            found = ["999999" if converter in ("int", "regex") else uuid_module.uuid4()]
        options.append(found)
    # Unfilled parameters still get a value of the right shape: the route is tried.
    combos = list(itertools.islice(itertools.product(*options), limit))
    return [dict(zip(names, combo, strict=True)) for combo in combos], unfilled, real
