"""What the H5P specification asks of a library, checked before it is stored.

pyh5p reads library ids but checks neither the files a ``library.json`` declares
nor its language files. These are the rules of H5P's own validator
(``H5PValidator::getLibraryData``): the required fields of ``library.json``, every
preloaded JavaScript and CSS file present, language files named after a language
(``language/fr.json``, ``language/de-ch.json``) and holding JSON, and a
``semantics.json`` that parses. Every problem gets its own translated message
naming the library and the file, so the author knows what to fix.

The rules read through two callables, so the same checks run on a package being
uploaded and on a library version already in the store.
"""

import re

from django.utils.translation import gettext as _

REQUIRED_FIELDS = (
    "title",
    "machineName",
    "majorVersion",
    "minorVersion",
    "patchVersion",
    "runnable",
)
VERSION_FIELDS = ("majorVersion", "minorVersion", "patchVersion")
PRELOADED = ("preloadedJs", "preloadedCss")
# H5P's own pattern: "fr.json", "pt-br.json", "zh-hans-cn.json".
LANGUAGE_FILE = re.compile(r"(-?[a-z]+){1,7}\.json", re.IGNORECASE)


def problems(folder, document, names, read_json):
    """The problems of the library in ``folder``, one message each (none: it may
    be stored). ``document`` is its parsed ``library.json``; ``names`` holds the
    paths of its files relative to its folder; ``read_json(name)`` parses one of
    them, raising ``ValueError`` when it is not JSON."""
    found = _fields(folder, document)
    for kind in PRELOADED:
        entries = document.get(kind) or []
        if not isinstance(entries, list):
            found.append(
                _("%(library)s/library.json: %(field)s must be a list.")
                % {"library": folder, "field": kind}
            )
            continue
        for entry in entries:
            path = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(path, str) or not path:
                found.append(
                    _("%(library)s/library.json: an entry of %(field)s has no path.")
                    % {"library": folder, "field": kind}
                )
            elif path.removeprefix("./") not in names:
                found.append(
                    _(
                        "%(library)s/%(file)s: declared in library.json (%(field)s) "
                        "but missing from the package."
                    )
                    % {"library": folder, "file": path, "field": kind}
                )
    for name in sorted(names):
        if not name.startswith("language/"):
            continue
        language_file = name.removeprefix("language/")
        if not LANGUAGE_FILE.fullmatch(language_file):
            found.append(
                _(
                    "%(library)s/%(file)s: not a valid language file name "
                    "(expected a language code, such as fr.json or pt-br.json)."
                )
                % {"library": folder, "file": name}
            )
        elif not _parses(read_json, name):
            found.append(
                _("%(library)s/%(file)s: this language file is not valid JSON.")
                % {"library": folder, "file": name}
            )
    if "semantics.json" in names and not _parses(read_json, "semantics.json"):
        found.append(
            _("%(library)s/semantics.json: not valid JSON.") % {"library": folder}
        )
    return found


def _fields(folder, document):
    missing = [key for key in REQUIRED_FIELDS if key not in document]
    found = []
    if missing:
        found.append(
            _("%(library)s/library.json: missing required fields: %(fields)s.")
            % {"library": folder, "fields": ", ".join(missing)}
        )
    title = document.get("title")
    if "title" not in missing and not (isinstance(title, str) and title.strip()):
        found.append(
            _("%(library)s/library.json: the title must be a non-empty text.")
            % {"library": folder}
        )
    for key in VERSION_FIELDS:
        value = document.get(key)
        if key not in missing and not _whole_number(value):
            found.append(
                _("%(library)s/library.json: %(field)s must be a whole number.")
                % {"library": folder, "field": key}
            )
    if "runnable" not in missing and document.get("runnable") not in (0, 1):
        found.append(
            _("%(library)s/library.json: runnable must be 0 or 1.")
            % {"library": folder}
        )
    return found


def _whole_number(value):
    # H5P's validator matches the text of the value: 1 and "1" are both fine.
    if isinstance(value, bool):
        return False
    return (isinstance(value, int) and value >= 0) or (
        isinstance(value, str) and value.isdigit()
    )


def _parses(read_json, name):
    try:
        read_json(name)
    except ValueError:
        return False
    return True
