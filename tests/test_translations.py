"""French everywhere: every shipped French catalogue, of the core and of every plugin,
is complete, and every string the code marks for translation is in it.

The catalogues are found on disk (not listed), so a plugin or a string added on any
branch is checked as soon as it is there. The Python files are read with Babel and
the templates through Django's own ``templatize`` (what ``makemessages`` reads), so
no GNU gettext is needed.
"""

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

from lms.models import Role
from tests.factories import member

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(
    path.relative_to(ROOT)
    for pattern in (
        "lms/locale/fr/LC_MESSAGES/django.po",
        "courses/locale/fr/LC_MESSAGES/django.po",
        "plugins/*/*/locale/fr/LC_MESSAGES/django.po",
    )
    for path in ROOT.glob(pattern)
)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# Python's %-placeholders, named or not, and the braces of str.format.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfir]|%[sdfir]|\{\w*\}")
# French typography: a (non-breaking) space before these, never an ordinary one.
PLAIN_SPACE_BEFORE_PUNCTUATION = re.compile(r" [:;?!»]|« ")
# ...and no word glued to them ("Erreur: ", "Prêt?"); "10:30", "::" and "://" aside.
NO_SPACE_BEFORE_PUNCTUATION = re.compile(r"[^\s\u00a0\u202f\d/:][:;?!](\s|$)")


def sources_of(catalogue):
    """The source folders whose strings go into this catalogue: a plugin's package,
    or, for the core's, ``lms``, ``courses`` (unless it has its own) and the
    themes."""
    app = ROOT / catalogue.parents[3]
    if app.name != "lms":
        return [app]
    folders = [app, ROOT / "themes"]
    if not (ROOT / "courses" / "locale").is_dir():
        folders.append(ROOT / "courses")
    return folders


def marked_strings(folder):
    """(msgid, context, where) of every string marked for translation in a folder's
    Python files and templates, migrations left out."""
    for path in sorted(folder.rglob("*")):
        if "migrations" in path.parts or "node_modules" in path.parts:
            continue
        if path.suffix == ".py":
            method, source = "python", path.read_bytes()
        elif path.suffix in (".html", ".txt") and "templates" in path.parts:
            method = "python"
            # templatize keeps the template's layout, which Python's tokenizer
            # reads as bad indentation; each message stays on one line.
            code = templatize(path.read_text(), origin=str(path))
            source = "\n".join(line.lstrip() for line in code.splitlines()).encode()
        else:
            continue
        for line, message, _comments, context in extract(
            method, io.BytesIO(source), keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                yield msgid, context, f"{path.relative_to(folder.parent)}:{line}"


def read(catalogue):
    with (ROOT / catalogue).open("rb") as po:
        return read_po(po)


def translations(message):
    strings = message.string
    return list(strings) if isinstance(strings, tuple) else [strings]


def originals(message):
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def test_the_core_and_every_plugin_ship_a_french_catalogue():
    plugins = {path.parent for path in ROOT.glob("plugins/*/*/apps.py")}
    with_catalogue = {ROOT / catalogue.parents[3] for catalogue in CATALOGUES}
    assert plugins - with_catalogue == set()
    assert Path("lms/locale/fr/LC_MESSAGES/django.po") in CATALOGUES


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_every_message_of_the_catalogue_is_translated_and_none_is_fuzzy(catalogue):
    messages = read(catalogue)
    untranslated = [
        message.id
        for message in messages
        if message.id and (message.fuzzy or not all(translations(message)))
    ]
    assert untranslated == []
    assert not messages.fuzzy  # a fuzzy catalogue is never compiled


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_every_translation_keeps_the_placeholders_of_its_message(catalogue):
    wrong = []
    for message in read(catalogue):
        if not message.id:
            continue
        expected = sorted(PLACEHOLDER.findall(originals(message)[-1]))
        for string in translations(message):
            # A singular may say "one" instead of its count: %(count)s is optional.
            found = sorted(PLACEHOLDER.findall(string))
            if found != expected and not (
                isinstance(message.id, tuple)
                and string is translations(message)[0]
                and set(found) <= set(expected)
            ):
                wrong.append((message.id, string))
    assert wrong == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_every_translation_follows_french_typography(catalogue):
    """A non-breaking space (U+00A0 or U+202F) before : ; ? ! and inside « »,
    so the sign never starts a line alone."""
    wrong = [
        string
        for message in read(catalogue)
        if message.id
        for string in translations(message)
        if PLAIN_SPACE_BEFORE_PUNCTUATION.search(string)
        or NO_SPACE_BEFORE_PUNCTUATION.search(string)
    ]
    assert wrong == []


# A name that may start with a vowel after a word French elides before one:
# "de Entraide Quartier", "que Inès".
ELIDED_BEFORE_A_NAME = re.compile(
    r"\b(de|que|le|la|je|ne|se|ce) %\((organisation|site_name|name|who|user|person|"
    r"mentor|newcomer|first_name|full_name)\)s"
)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_no_translation_puts_a_word_french_elides_before_a_name(catalogue):
    wrong = [
        string
        for message in read(catalogue)
        if message.id
        for string in translations(message)
        if ELIDED_BEFORE_A_NAME.search(string)
    ]
    assert wrong == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_every_string_the_code_marks_for_translation_is_in_the_catalogue(catalogue):
    messages = read(catalogue)
    missing = sorted(
        f"{where}: {msgid!r}"
        for folder in sources_of(catalogue)
        for msgid, context, where in marked_strings(folder)
        if not (message := messages.get(msgid, context)) or not message.string
    )
    assert missing == []


def test_a_string_marked_in_a_template_is_found(tmp_path):
    """The extraction reads what Django's tags say (a test of the test)."""
    templates = tmp_path / "app" / "templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text(
        '{% load i18n %}{% translate "Hello" %}'
        "{% blocktranslate count n=3 %}One day{% plural %}{{ n }} days"
        "{% endblocktranslate %}"
        '{% translate "May" context "month" %}'
    )
    (tmp_path / "app" / "apps.py").write_text(
        'from django.utils.translation import gettext_noop\nNAME = gettext_noop("Hi")\n'
    )
    found = {(msgid, context) for msgid, context, _ in marked_strings(tmp_path)}
    assert found == {
        ("Hello", None),
        ("One day", None),
        ("May", "month"),
        ("Hi", None),
    }


# The admin in French: Wagtail's own messages, overridden where its French is wrong.
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("Add %(label)s", f"Ajouter{NBSP}: %(label)s"),
        ("Add %(model_name)s", f"Ajouter{NBSP}: %(model_name)s"),
        (
            "%(setting_type)s updated.",
            f"%(setting_type)s{NBSP}: modifications enregistrées.",
        ),
        ("Submit to %(workflow_name)s", f"Soumettre{NBSP}: %(workflow_name)s"),
        ("Default?", f"Par défaut{NBSP}?"),
    ],
)
def test_the_cores_french_wins_over_wagtails_where_wagtails_is_wrong(english, french):
    from django.utils import translation

    with translation.override("fr"):
        assert translation.gettext(english) == french


def test_the_admin_summary_counts_pages_created_in_good_french(db):
    from django.utils import translation

    message = (
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
    )
    with translation.override("fr"):
        eight = translation.ngettext(*message, 8) % {"total": 8, "site_name": "EQ"}
    assert eight == '8 pages <span class="w-sr-only">créées dans EQ</span>'


def test_wagtails_default_workflow_is_named_in_french(client_a, org_a):
    from wagtail.models import Workflow

    assert Workflow.objects.get(active=True).name == "Validation par les modérateurs"
    admin = member(org_a, Role.ADMIN, user__is_superuser=True)
    client_a.force_login(admin)
    page = client_a.get(f"/admin/pages/{org_a.root_page.pk}/edit/").content.decode()
    assert f"Soumettre{NBSP}: Validation par les modérateurs" in page


def test_wagtails_default_groups_are_named_in_french(db):
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {"Modérateurs", "Éditeurs"} <= names
    assert not {"Moderators", "Editors"} & names
    # The permissions Wagtail's own migrations gave them are still theirs.
    assert (
        Group.objects.get(name="Éditeurs")
        .permissions.filter(codename="access_admin")
        .exists()
    )


def test_the_extensions_page_names_describes_and_files_each_plugin_in_french(
    client_a, org_a
):
    admin = member(org_a, Role.ADMIN)
    client_a.force_login(admin)
    page = client_a.get("/admin/relais/plugins/").content.decode()
    assert "<strong>Quiz</strong>" in page
    assert "Banques de questions, quiz notés" in page
    assert "Par Relais · Activités" in page
    assert "Question banks" not in page
    assert "activities" not in page


def test_the_sites_table_heads_its_columns_in_french(client_a, org_a):
    admin = member(org_a, Role.ADMIN, user__is_superuser=True)
    client_a.force_login(admin)
    page = client_a.get("/admin/sites/").content.decode()
    assert f"Par défaut{NBSP}?" in page
    assert "Défaut ?" not in page
    assert "Nom du site" in page
