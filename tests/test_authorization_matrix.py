"""The generated authorization matrix: every URL pattern by every role of two
organisations, path parameters filled with the other organisation's real objects.

The victim is the demo association (seeded at b.test with every plugin's content);
the other organisation (a.test) has one member per role and every plugin enabled.
For each route and each request below, nothing of the victim's may show and nothing
may be written:

- anonymous, on both hosts;
- each role of A on its own host, with B's ids (the forged id);
- each role of A on B's host (the member of A on B's host);
- B's learner and mentor on B's own admin.

A response "reveals" when its body holds a string of the victim's data (names,
e-mails, titles, answers…: every text field of every row B owns, found by following
foreign keys, not listed by hand). It "changes" when the request wrote to the
database. Each request runs in a transaction that is rolled back, so every request
sees the same world. The totals are printed at the end of the run.
"""

import html
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from lms.models import Membership, PluginActivation, Role
from lms.plugins.activation import installed_plugins
from tests.authorization import REPORT, fillings, owned_by, routes
from tests.factories import make_organisation, member

REPORT_FILE = Path(__file__).resolve().parents[1] / "var" / "authorization-matrix.txt"
ROLES = [Role.LEARNER, Role.MENTOR, Role.TRAINER, Role.COORDINATOR, Role.ADMIN]
VICTIM_HOST, ATTACKER_HOST = "b.test", "a.test"
# What anyone may read by design, with the reason. A new public view fails the
# matrix until its module is added here and justified.
PUBLIC_BY_DESIGN = {
    "courses.views.openbadges": "Open Badges 2.0 hosted verification (public by the "
    "standard) and the page a volunteer's shared badge link opens",
    "relais_recruitment.board": "the public board of volunteer missions, a mission's "
    "page and application form (no account needed), and the candidate's page "
    "reached by a signed private link",
}
# Tables a request may write for its own visitor: sessions and lock-out counters.
BOOKKEEPING_TABLES = re.compile(r"django_session|axes_|wagtailusers_userprofile")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.I)
# The organisation's public face (name, home page, look) is shown on its own host.
PUBLIC_MODELS = {"wagtailcore.site", "lms.organisationsettings", "lms.homepage"}


@pytest.fixture
def world(db, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    call_command(
        "seed_demo",
        "--i-know-this-is-not-production",
        hostname=VICTIM_HOST,
        port=80,
        verbosity=0,
    )
    victim = Site.objects.get(hostname=VICTIM_HOST)
    attacker = make_organisation("Association Témoin", ATTACKER_HOST)
    for plugin in installed_plugins():
        PluginActivation.objects.get_or_create(
            organisation=attacker, app_label=plugin.label
        )
    people_a = {
        role: member(attacker, role, user__username=f"temoin-{role}") for role in ROLES
    }
    people_b = {
        role: Membership.objects.filter(
            organisation=victim, role=role, user__is_superuser=False, is_active=True
        )
        .first()
        .user
        for role in (Role.LEARNER, Role.MENTOR)
    }
    return victim, attacker, people_a, people_b


def _specific(value):
    """Long enough, and more than one word (or an address), to be this data and no
    interface text."""
    return len(value) >= 12 and (" " in value or "@" in value)


def _strings(organisation, *, skip_public):
    found = set()
    for model in apps.get_models():
        if skip_public and model._meta.label_lower in PUBLIC_MODELS:
            continue
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not text_fields:
            continue
        for row in owned_by(model, organisation).values_list(
            *[f.attname for f in text_fields]
        )[:500]:
            for value in row:
                if isinstance(value, str) and _specific(value.strip()):
                    found.add(value.strip())
    return found


def _markers(victim, attacker, calibration):
    """The victim's strings that nothing legitimate shows elsewhere, in the forms a
    page (HTML-escaped) or an API (JSON-escaped) writes them."""
    own = _strings(attacker, skip_public=False) | _strings(
        Site.objects.exclude(pk__in=[victim.pk, attacker.pk]).first() or attacker,
        skip_public=False,
    )
    public = {victim.site_name, victim.root_page.title}
    markers = set()
    for value in _strings(victim, skip_public=True) - own - public:
        if "\n" in value or value.startswith(("http", "urn:", "<", "{", "[")):
            value = value.strip().splitlines()[0][:60]
            if not _specific(value) or value.startswith(
                ("http", "urn:", "<", "{", "[")
            ):
                continue
        forms = {value, html.escape(value), json.dumps(value)[1:-1]}
        if not any(form in calibration for form in forms):
            markers.add(tuple(sorted(forms)))
    return markers


def _body(response):
    if getattr(response, "streaming", False):
        chunks, size = [], 0
        for chunk in response.streaming_content:
            chunks.append(chunk if isinstance(chunk, bytes) else chunk.encode())
            size += len(chunks[-1])
            if size > 200_000:
                break
        return b"".join(chunks).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _public(route):
    """Views public by design, by the module that holds them."""
    return route.module in PUBLIC_BY_DESIGN


def _is_public_admin(route):
    return route.name in {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
    }


class Matrix:
    def __init__(self, markers):
        self.markers = markers
        self.tried = 0
        self.leaks = []

    def request(self, client, method, url, host, who, route, gated=True):
        """``gated``: the admin must not open at all for this visitor here (not a
        member with an admin role); otherwise only reveals and writes count."""
        self.tried += 1
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                call = client.get if method == "GET" else client.post
                response = call(url, HTTP_HOST=host, follow=False)
                body = _body(response)
            transaction.set_rollback(True)
        problems = []
        if response.status_code >= 500:
            problems.append(f"error {response.status_code}")
        if not _public(route):
            shown = [
                forms[0] for forms in self.markers if any(f in body for f in forms)
            ]
            if shown:
                problems.append(f"reveals {shown[:3]}")
        writes = {
            m[2]
            for q in queries.captured_queries
            if (m := WRITE.match(q["sql"])) and not BOOKKEEPING_TABLES.search(m[2])
        }
        if writes:
            problems.append(f"writes {sorted(writes)}")
        if (
            gated
            and route.is_admin
            and not _is_public_admin(route)
            and 200 <= response.status_code < 300
        ):
            problems.append(f"admin answered {response.status_code}")
        if problems:
            self.leaks.append(f"{who} {method} {url}: {'; '.join(problems)}")


def _client(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _block_ids(victim):
    """Ids of activities in the victim's lessons (the charter, quizzes, packages)."""
    from courses.models import LessonPage

    found = []
    for lesson in LessonPage.objects.descendant_of(victim.root_page).specific():
        found += [block.id for block in lesson.body if block.block_type != "text"]
    return found[:2] or None


def _serve_paths(victim):
    pages = Page.objects.live().descendant_of(victim.root_page).specific()[:6]
    return [page.relative_url(victim) for page in pages]


def test_every_url_and_role_reveals_and_changes_nothing_of_another_organisation(
    world, request
):
    victim, attacker, people_a, people_b = world
    calibration = _body(Client().get("/login/", HTTP_HOST=ATTACKER_HOST)) + _body(
        _client(people_a[Role.ADMIN]).get("/admin/", HTTP_HOST=ATTACKER_HOST)
    )
    matrix = Matrix(_markers(victim, attacker, calibration))
    assert len(matrix.markers) > 100, "the victim's data gives too few markers"

    anonymous = _client(None)
    clients_a = {role: _client(user) for role, user in people_a.items()}
    clients_b = {role: _client(user) for role, user in people_b.items()}
    unfilled, filled_routes, all_routes = {}, 0, routes()
    extra = {"block_id": _block_ids(victim)}
    for route in all_routes:
        if "(" in route.pattern.replace("(?P<", ""):
            # Wagtail's page serving: B's pages asked on A's host must not show.
            for path in _serve_paths(victim):
                for role, client in clients_a.items():
                    matrix.request(
                        client, "GET", path, ATTACKER_HOST, f"A {role}", route
                    )
                matrix.request(
                    anonymous, "GET", path, ATTACKER_HOST, "anonymous", route
                )
            continue
        urls, missing, real = fillings(route, victim, extra)
        if missing and route.is_ours:
            unfilled[route.pattern] = missing
        has_ids = bool(route.parameters) and real
        filled_routes += has_ids
        for values in urls:
            url = route.url(values)
            for method in ("GET", "POST"):
                for host in (ATTACKER_HOST, VICTIM_HOST):
                    if host == VICTIM_HOST and not route.is_admin and _public(route):
                        continue
                    matrix.request(
                        anonymous, method, url, host, f"anonymous on {host}", route
                    )
                for role, client in clients_a.items():
                    if has_ids:
                        matrix.request(
                            client,
                            method,
                            url,
                            ATTACKER_HOST,
                            f"A {role}",
                            route,
                            gated=role in (Role.LEARNER, Role.MENTOR),
                        )
                    matrix.request(
                        client, method, url, VICTIM_HOST, f"A {role} on B's host", route
                    )
                if route.is_admin:
                    for role, client in clients_b.items():
                        matrix.request(
                            client, method, url, VICTIM_HOST, f"B {role}", route
                        )

    request.config.stash.setdefault(REPORT, []).append(
        f"{len(all_routes)} URL patterns ({filled_routes} filled with the other "
        f"organisation's real ids), {matrix.tried} URL x role requests, "
        f"{len(matrix.markers)} markers of the other organisation's data, "
        f"{len(matrix.leaks)} leaks"
    )
    report = REPORT_FILE.parent
    report.mkdir(exist_ok=True)
    REPORT_FILE.write_text("\n".join(matrix.leaks) + "\n")
    assert not matrix.leaks, f"{len(matrix.leaks)} leaks (all in {REPORT_FILE}):\n" + (
        "\n".join(matrix.leaks[:200])
    )
    assert not unfilled, (
        "these URLs of ours name parameters no model matches (call them "
        f"<model>_id, <model>_uuid or pk on a view with a model): {unfilled}"
    )
