"""Export and erasure of a person's data (issue 19), on the demo's Léa.

The demo gives Léa a membership, a path, courses, statements, a mentoring request,
skills evidence and levels; ``lea_everywhere`` adds what a few months at Entraide
Quartier would (a quiz, a SCORM package played, an H5P activity saved, a pair
with Michel and everything it writes, a badge, a certificate, an invitation, an
avatar, the skills matrix export Sophie made) and a second organisation where
she volunteers too, with its own data.
"""

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from uuid import UUID

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone
from openbadgeslib.baking import extract_png
from PIL import Image
from wagtail.models import Site
from wagtail.users.models import UserProfile

from courses.badges import award_badge
from courses.models import BadgeAward, BadgeClass, Statement
from lms.models import Invitation, Membership, Role
from lms.privacy import Erase
from lms.privacy.engines import erase_person, export_person
from lms.privacy.registry import declarations
from tests.factories import make_organisation
from tests.h5p_packages import storage_in

User = get_user_model()
PHONE = "06 71 42 93 58"
NOTE = "Léa craint les disputes à l'accueil le samedi"
CERTIFICATE = b"%PDF-1.4 PSC1 de Lea Martin, 06 71 42 93 58"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with (
        storage_in(storages["packages"], tmp_path / "packages"),
        storage_in(storages["private"], tmp_path / "private"),
        # Files are deleted once the erasure commits: run those callbacks here.
    ):
        call_command("seed_demo", "--i-know-this-is-not-production", verbosity=0)
        people = {user.username: user for user in User.objects.all()}
        yield SimpleNamespace(
            site=Site.objects.get(is_default_site=True),
            people=people,
            lea=people["benevole"],
            roots=[tmp_path / "media", tmp_path / "packages", tmp_path / "private"],
        )


@pytest.fixture
def lea_everywhere(demo, django_capture_on_commit_callbacks):
    from relais_h5p.models import H5PContent, H5PUserData
    from relais_mentoring.models import (
        CheckIn,
        Concern,
        Feedback,
        Goal,
        MentorProfile,
        Note,
        Pairing,
        Session,
        SkillConfirmation,
    )
    from relais_quizzes.attempts import start, submit
    from relais_quizzes.models import Quiz
    from relais_scorm.models import ScormAttempt, ScormPackage, ScoState
    from relais_skills.matrix import run_export
    from relais_skills.models import Evidence, Job, Skill

    site, lea = demo.site, demo.lea
    michel, sophie = demo.people["mentor"], demo.people["coordinatrice"]
    now = timezone.now()
    lea.phone = PHONE  # not a field: written where people write it, below
    Invitation.objects.create(
        organisation=site,
        email=lea.email.upper(),
        first_name=lea.first_name,
        last_name=lea.last_name,
        role=Role.LEARNER,
        invited_by=sophie,
        accepted_at=now,
    )
    profile = UserProfile.get_for_user(lea)
    profile.avatar.save("lea.png", ContentFile(png()))
    quiz = Quiz.objects.filter(organisation=site).first()
    submit(start(quiz, lea, organisation=site))
    package = ScormPackage.objects.filter(organisation=site).first()
    attempt = ScormAttempt.objects.create(
        organisation=site, package=package, user=lea, activity="urn:x", score=0.5
    )
    ScoState.objects.create(
        attempt=attempt,
        item="item-1",
        cmi={"cmi.learner_name": "Martin, Léa", "cmi.comments": NOTE},
    )
    content = H5PContent.objects.filter(organisation=site).first()
    H5PUserData.objects.create(
        user=lea,
        activity="urn:relais:activity:0:x",
        content=content,
        data_type="state",
        data=json.dumps({"answer": NOTE}),
    )
    MentorProfile.objects.get_or_create(organisation=site, user=michel)
    pairing = Pairing.objects.create(
        organisation=site,
        mentor=michel,
        mentee=lea,
        status="active",
        proposed_by=sophie,
    )
    session = Session.objects.create(
        pairing=pairing,
        starts_at=now,
        duration_minutes=30,
        created_by=lea,
        topics=f"Appeler Léa au {PHONE}",
    )
    CheckIn.objects.create(session=session, user=lea, usefulness=4, comment=NOTE)
    Goal.objects.create(pairing=pairing, title="Tenir l'accueil", created_by=lea)
    Note.objects.create(pairing=pairing, author=lea, body=NOTE)
    Feedback.objects.create(
        pairing=pairing, user=lea, side="mentee", rating=5, comment=NOTE
    )
    Concern.objects.create(pairing=pairing, raised_by=lea, body=NOTE)
    SkillConfirmation.objects.create(
        pairing=pairing,
        skill="accueil",
        skill_label="Accueil",
        level=2,
        level_label="2",
        note="Léa accueille avec le sourire",
    )
    skill = Skill.objects.filter(evidence__organisation=site).first()
    Evidence.objects.create(
        organisation=site,
        user=lea,
        skill=skill,
        level=2,
        source="prior",
        observed_on=now.date(),
        note=NOTE,
        private_note=PHONE,
        author=sophie,
        attachment=ContentFile(CERTIFICATE, name="psc1.pdf"),
    )
    badge = BadgeClass.objects.get(organisation=site, name="Bénévole accueil")
    with django_capture_on_commit_callbacks(execute=True):
        award_badge(badge, lea, site, rule="test", evidence=NOTE, awarded_by=sophie)
    job = Job.objects.create(
        organisation=site,
        kind="matrix-export",
        params={"filters": {}},
        created_by=sophie,
    )
    run_export(job.pk)
    # A second organisation where Léa volunteers too, with data of its own.
    other = make_organisation("Banque alimentaire", "banque.test")
    Membership.objects.create(user=lea, organisation=other, role=Role.LEARNER)
    Statement.objects.create(
        organisation=other,
        actor=lea,
        verb="completed",
        object_id="urn:other",
        timestamp=now - timedelta(days=1),
    )
    Evidence.objects.create(
        organisation=other,
        user=lea,
        skill=skill,
        level=1,
        source="self",
        observed_on=now.date(),
        note="Tri des dons",
    )
    demo.other = other
    return demo


def identifiers(user):
    """Her last name, full name, e-mail, phone and what she wrote. Her first name
    alone is not one: the demo's content and other people's writing use "Léa"
    (the SCORM lesson's story, Sophie's announcement welcoming newcomers), which
    no erasure can tell from another Léa."""
    full = f"{user.first_name} {user.last_name}"
    return [full, user.last_name, user.email, PHONE, NOTE]


def database_dump():
    """Every text of every row of every table, read through the connection."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (introspected)
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    if value is not None:
                        found.append((table, column, str(value)))
    return found


def storage_dump(roots):
    """(path, text) of every stored file, ZIP files (XLSX too) read inside."""
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            yield str(path), data.decode("utf-8", "replace")
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    for name in archive.namelist():
                        text = archive.read(name).decode("utf-8", "replace")
                        yield f"{path}!{name}", text


def where(texts, needles):
    return [
        (place, needle)
        for *place, text in texts
        for needle in needles
        if needle.lower() in text.lower()
    ]


def test_the_export_holds_every_declared_field_and_every_file(lea_everywhere):
    demo = lea_everywhere
    target = io.BytesIO()
    export_person(demo.lea, demo.site, target)
    archive = zipfile.ZipFile(target)
    names = set(archive.namelist())
    assert {"README.txt", "index.json"} <= names
    index = {
        (e["model"], tuple(e["about_you_through"])): e
        for e in json.loads(archive.read("index.json"))
    }
    for declaration in declarations():
        model = declaration.get_model()
        rows = declaration.rows(demo.lea, demo.site)
        entry = index[(model._meta.label, declaration.person_lookups)]
        assert entry["rows"] == rows.count(), declaration
        if not entry["rows"]:
            continue
        member, key = entry["data"].split("#")
        exported = {
            str(row["id"]): row for row in json.loads(archive.read(member))[key]
        }
        for row in rows:
            for name in declaration.fields:
                field = model._meta.get_field(name)
                value = exported[str(row.pk)][name]
                assert same(value, row, field), (model, name, row.pk, value)
    # Her files: the certificate, her avatar, her badge baked with its assertion.
    certificate = [n for n in names if n.startswith("skills/files/") and "psc1" in n]
    assert [archive.read(n) for n in certificate] == [CERTIFICATE]
    assert any(n.startswith("wagtailusers/files/") for n in names)
    [badge] = [n for n in names if n.startswith("courses/extra/badge-")]
    assertion = json.loads(extract_png(archive.read(badge)))
    award = BadgeAward.objects.get(recipient=demo.lea, rule="test")
    assert assertion["id"].endswith(str(award.uuid))
    users = json.loads(archive.read("auth/data.json"))["User"]
    assert users == [
        {
            "id": demo.lea.pk,
            "username": "benevole",
            "first_name": "Léa",
            "last_name": "Martin",
            "email": demo.lea.email,
            "last_login": None,
            "date_joined": users[0]["date_joined"],
        }
    ]
    # Only this organisation's data: the other's evidence is not in it.
    evidence = json.loads(archive.read("skills/data.json"))["Evidence"]
    assert "Tri des dons" not in {row["note"] for row in evidence}
    assert "password" not in archive.read("auth/data.json").decode()


def same(value, row, field):
    """Whether an exported JSON value is the row's field value."""
    if field.many_to_many:
        return value == sorted(getattr(row, field.name).values_list("pk", flat=True))
    expected = getattr(row, field.attname)
    if isinstance(expected, datetime | date):
        return type(expected).fromisoformat(value) == expected
    if isinstance(expected, Decimal | UUID):
        return type(expected)(value) == expected
    return value == expected


def quiz_figures():
    from relais_quizzes.models import Attempt

    return list(
        Attempt.objects.values("quiz")
        .annotate(n=Count("pk"), total=Sum("score"))
        .order_by("quiz")
    )


def rows_about_others(demo, leaving=None):
    """Rows of every declaration about the other demo people, less ``leaving``
    (``{model: pks}``: rows about Léa too, such as her pair with Michel)."""
    leaving = leaving or {}
    return {
        (d.model, d.person_lookups, person.username): set(
            d.rows(person, demo.site).values_list("pk", flat=True)
        )
        - leaving.get(d.model, set())
        for d in declarations()
        for person in demo.people.values()
        if person != demo.lea
    }


def rows_deleted_with(person, organisation):
    """``{model: pks}`` the erasure of ``person`` is to delete: theirs, and the
    documents naming anyone (exports)."""
    found = {}
    for d in declarations():
        pks = set()
        if d.erase == Erase.DELETE and not d.is_account_wide:
            pks = set(d.rows(person, organisation).values_list("pk", flat=True))
        if d.names_anyone:
            pks |= set(
                d.get_model()
                .objects.filter(organisation=organisation, **d.names_anyone)
                .values_list("pk", flat=True)
            )
        found.setdefault(d.model, set()).update(pks)
    return found


def test_erasure_leaves_nothing_of_her_and_keeps_the_aggregates(
    lea_everywhere, django_capture_on_commit_callbacks
):
    demo = lea_everywhere
    lea = demo.lea
    needles = identifiers(lea)
    lea_email = lea.email
    assert where(database_dump(), needles)  # the dump does see her before
    assert where(storage_dump(demo.roots), ["Lea Martin", PHONE])
    statements = Statement.objects.filter(organisation=demo.site).count()
    quizzes = quiz_figures()
    awards = BadgeAward.objects.filter(badge__organisation=demo.site).count()
    others = rows_about_others(demo, leaving=rows_deleted_with(lea, demo.site))
    other_org = {
        d.model: sorted(d.rows(lea, demo.other).values_list("pk", flat=True))
        for d in declarations()
        if not d.is_account_wide
    }

    with django_capture_on_commit_callbacks(execute=True):
        report = erase_person(lea, demo.site)

    # Léa still volunteers at the other organisation: her account stays there.
    assert report.account_anonymised is False
    lea.refresh_from_db()
    assert lea.email and lea.is_active
    assert {
        d.model: sorted(d.rows(lea, demo.other).values_list("pk", flat=True))
        for d in declarations()
        if not d.is_account_wide
    } == other_org
    assert report.count("courses.Statement", "anonymised") >= 2
    assert report.count("mentoring.Note", "deleted") == 1
    # The organisation's figures still add up.
    assert Statement.objects.filter(organisation=demo.site).count() == statements
    assert quiz_figures() == quizzes
    assert BadgeAward.objects.filter(badge__organisation=demo.site).count() == awards
    assert not Membership.objects.filter(user=lea, organisation=demo.site).exists()
    # Other people's rows: the same ones (Michel's pair with her went with her).
    assert rows_about_others(demo) == others

    # Then she leaves the other organisation too: her account goes.
    with django_capture_on_commit_callbacks(execute=True):
        report = erase_person(lea, demo.other)
    assert report.account_anonymised is True
    lea.refresh_from_db()
    assert (lea.is_active, lea.has_usable_password(), lea.email) == (False, False, "")
    found = where(database_dump(), [*needles, "benevole@"])
    assert found == []
    # Files: her full name rather than "Léa" alone, which the demo's SCORM lesson
    # uses for its story ("je m'appelle Léa"): content, not anyone's data.
    in_files = ["Léa Martin", "Lea Martin", "Martin, Léa", lea_email, PHONE, NOTE]
    assert where(storage_dump(demo.roots), in_files) == []
    assert Statement.objects.filter(organisation=demo.site).count() == statements
    assert quiz_figures() == quizzes
