"""Every operation of the REST API, driven by Schemathesis from the schema the
running server publishes, with tokens of two organisations: no server error, no
response outside the schema, nothing of the other organisation.

The figures of a run are printed at the end (``-s`` shows them) and kept in
docs/api.md."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from courses.models import available_courses
from lms.models import Membership, PluginActivation, Role
from tests.api_kit import seed, token
from tests.factories import make_organisation, member

EXAMPLES = 8  # per operation and organisation: a run of about two minutes
# Rules no schema states (one pending invitation per address, a team of this
# organisation, ``since`` before ``until``) refuse some schema-valid requests with
# a 400 problem: that check is left out, every other one runs.
EXCLUDED = [positive_data_acceptance]
PLUGINS = ("skills", "mentoring", "quizzes", "recruitment")


@pytest.fixture
def organisations(
    transactional_db, django_db_serialized_rollback, live_server, settings
):
    """Two seeded organisations, each served at its own host on the live
    server's port, every plugin with an API enabled. Serialized rollback, as every
    live-server test here: the flush that ends it must give the next one back
    what migrations made (the page tree's root, the content types)."""
    from wagtail.models import Site

    settings.LMS_API_RATE_LIMIT = "100000/minute"
    Site.objects.all().delete()
    port = int(live_server.url.rsplit(":", 1)[1])
    found = {}
    for tag in ("a", "b"):
        site = make_organisation(f"Asso {tag}", f"{tag}.localhost", default=tag == "a")
        site.port = port
        site.save()
        seed(site, learners=3, tag=tag)
        member(site, Role.MENTOR)
        for label in PLUGINS:
            PluginActivation.objects.create(organisation=site, app_label=label)
        found[tag] = site
    return port, found


def others_rows(organisation):
    """Ids that would betray the other organisation's data in a response."""
    return {
        "people": set(
            Membership.objects.for_organisation(organisation).values_list(
                "user_id", flat=True
            )
        ),
        "courses": set(available_courses(organisation).values_list("pk", flat=True)),
    }


def leaks(body, mine, theirs, path):
    """What in a response body belongs to another organisation."""
    rows = body.get("results", [body]) if isinstance(body, dict) else []
    found = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        if "organisation" in row and row["organisation"] != mine.pk:
            found.append(f"organisation {row['organisation']}")
        person = row.get("person")
        person = person.get("id") if isinstance(person, dict) else person
        for key, value in (("person", person), ("mentor", row.get("mentor"))):
            if value in theirs["people"]:
                found.append(f"{key} {value} of the other organisation")
        if path.startswith("/api/v1/courses") and row.get("id") in theirs["courses"]:
            found.append(f"course {row['id']} of the other organisation")
    return found


def test_every_operation_holds_to_its_schema_and_its_organisation(
    organisations, live_server
):
    port, sites = organisations
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/schema/?format=json",
        headers={"Host": f"a.localhost:{port}"},
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    secrets = {tag: token(site, role=Role.ADMIN) for tag, site in sites.items()}
    rows = {tag: others_rows(site) for tag, site in sites.items()}
    cases, failures, statuses = 0, [], {}

    def exercise(operation, tag, site, other):
        headers = {
            "Host": f"{tag}.localhost:{port}",
            "Authorization": f"Bearer {secrets[tag]}",
        }

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal cases
            cases += 1
            case.headers = {**(case.headers or {}), **headers}
            response = case.call(base_url=live_server.url)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            where = f"{case.method} {case.formatted_path} ({tag})"
            try:
                case.validate_response(
                    response, headers=headers, excluded_checks=EXCLUDED
                )
            except FailureGroup as group:
                failures.extend(f"{where}: {e.title}" for e in group.exceptions)
            except AssertionError as error:
                failures.append(f"{where}: {error}")
            if response.status_code < 300 and response.content:
                body = json.loads(response.content)
                failures.extend(
                    f"{where}: {leak}"
                    for leak in leaks(body, site, rows[other], case.path)
                )

        run()

    for operation in operations:
        exercise(operation, "a", sites["a"], "b")
        exercise(operation, "b", sites["b"], "a")

    print(
        f"\nschemathesis: {len(operations)} operations, {cases} cases, "
        f"{len(failures)} failures; statuses {dict(sorted(statuses.items()))}"
    )
    assert len(operations) >= 25
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_the_leak_check_flags_another_organisations_rows(org_a, org_b):
    theirs = {"people": {42}, "courses": {7}}
    body = {"results": [{"id": 1, "organisation": org_b.pk}, {"id": 2, "person": 42}]}
    assert len(leaks(body, org_a, theirs, "/api/v1/people/")) == 2
    assert leaks({"id": 7}, org_a, theirs, "/api/v1/courses/7/") == [
        "course 7 of the other organisation"
    ]
    assert leaks({"id": 3, "organisation": org_a.pk}, org_a, theirs, "/x") == []
