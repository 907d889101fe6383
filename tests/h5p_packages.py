"""Small H5P packages built by the tests, so the suite needs no external files.

``H5P.RelaisTest 1.0`` is a tiny library written for these tests: it shows a button
that sends an xAPI "answered" statement with a score, and a step counter it saves
and restores through H5P's user-data API (``getCurrentState``/``previousState``).
"""

import io
import json
import stat
import zipfile
from contextlib import contextmanager
from pathlib import Path


def shared_folder(kind):
    """The real packages of ``shared/<kind>`` beside the checkout (or beside the
    folder of worktrees), or None: the suite then uses only the packages it builds."""
    here = Path(__file__).resolve()
    for parent in (here.parents[2], here.parents[3]):
        if (parent / "shared" / kind).is_dir():
            return parent / "shared" / kind
    return None


@contextmanager
def storage_in(storage, folder):
    """Points a file-system storage (``packages``, ``private``) at ``folder`` for a
    test. Model fields hold their storage object, so settings cannot do this."""

    def forget():
        for name in ("base_location", "location"):
            storage.__dict__.pop(name, None)

    before = storage._location
    storage._location = str(folder)
    forget()
    try:
        yield Path(folder)
    finally:
        storage._location = before
        forget()


LIBRARY = "H5P.RelaisTest-1.0"
LIBRARY_JSON = {
    "title": "Relais test",
    "machineName": "H5P.RelaisTest",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 0,
    "runnable": 1,
    "preloadedJs": [{"path": "relais-test.js"}],
}
LIBRARY_JS = """
H5P.RelaisTest = function (params, contentId, extras) {
  H5P.EventDispatcher.call(this);
  var self = this;
  var saved = extras && extras.previousState;
  var step = saved && typeof saved.step === 'number' ? saved.step : 0;
  this.getCurrentState = function () { return {step: step}; };
  this.attach = function ($container) {
    var shown = document.createElement('p');
    shown.className = 'relais-step';
    shown.textContent = 'Step ' + step;
    var next = document.createElement('button');
    next.textContent = 'Next step';
    next.addEventListener('click', function () {
      step += 1;
      shown.textContent = 'Step ' + step;
    });
    $container.get(0).appendChild(shown);
    $container.get(0).appendChild(next);
    var button = document.createElement('button');
    button.textContent = params.label || 'Answer';
    button.addEventListener('click', function () {
      var event = self.createXAPIEventTemplate('answered');
      event.setScoredResult(1, 1, self, true, true);
      self.trigger(event);
    });
    $container.get(0).appendChild(button);
  };
};
H5P.RelaisTest.prototype = Object.create(H5P.EventDispatcher.prototype);
H5P.RelaisTest.prototype.constructor = H5P.RelaisTest;
"""


def h5p_json(**extra):
    return {
        "title": "Test",
        "language": "fr",
        "mainLibrary": "H5P.RelaisTest",
        "embedTypes": ["div"],
        "preloadedDependencies": [
            {"machineName": "H5P.RelaisTest", "majorVersion": 1, "minorVersion": 0}
        ],
        **extra,
    }


def members(with_library=True, **h5p):
    files = {
        "h5p.json": json.dumps(h5p_json(**h5p)),
        "content/content.json": json.dumps({"label": "Répondre"}),
    }
    if with_library:
        files[f"{LIBRARY}/library.json"] = json.dumps(LIBRARY_JSON)
        files[f"{LIBRARY}/relais-test.js"] = LIBRARY_JS
    return files


def build(files, *, symlinks=(), duplicate=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for name in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
        if duplicate:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                archive.writestr(duplicate, "again")
    return buffer.getvalue()


def package(**kwargs):
    return build(members(**kwargs))


# One crafted package per rejection rule: (name, bytes, words the reason contains).
def malicious():
    good = members()
    return [
        ("traversal", build({**good, "../evil.js": "x"}), "unsafe"),
        ("absolute path", build({**good, "/etc/evil.js": "x"}), "unsafe"),
        ("symlink", build(good, symlinks=["content/link.png"]), "symbolic"),
        (
            "zip bomb",
            build({**good, "content/bomb.txt": "0" * 5_000_000}),
            "compression",
        ),
        ("html", build({**good, "content/page.html": "<script>"}), "extension"),
        ("php", build({**good, f"{LIBRARY}/shell.php": "<?php"}), "extension"),
        ("executable", build({**good, "content/run.exe": "MZ"}), "extension"),
        ("duplicate", build(good, duplicate="content/content.json"), "twice"),
        ("invalid json", build({**good, "content/content.json": "{nope"}), "JSON"),
        (
            "no h5p.json",
            build({k: v for k, v in good.items() if k != "h5p.json"}),
            "h5p.json",
        ),
        (
            "folder mismatch",
            build(
                {**{k.replace(LIBRARY, "H5P.Other-2.0"): v for k, v in good.items()}}
            ),
            "folder",
        ),
        ("not a zip", b"this is not a zip file", "ZIP"),
        ("missing library", package(with_library=False), "H5P.RelaisTest-1.0"),
    ]


def with_library(change=None, **files):
    """The test package with its library changed: ``change(library_json)`` edits
    the library.json, ``files`` add (or, with None, remove) library files."""
    document = json.loads(json.dumps(LIBRARY_JSON))
    if change:
        change(document)
    good = members()
    good[f"{LIBRARY}/library.json"] = json.dumps(document)
    for name, data in files.items():
        path = f"{LIBRARY}/{name}"
        if data is None:
            good.pop(path)
        else:
            good[path] = data
    return build(good)


def missing_preloaded_file():
    """Its library.json preloads relais-test.js and a stylesheet; neither is there."""
    return with_library(
        lambda doc: doc.update(preloadedCss=[{"path": "styles/relais-test.css"}]),
        **{"relais-test.js": None},
    )


def library_json_lacking(*fields):
    return with_library(lambda doc: [doc.pop(field) for field in fields])


def with_language_files(*names):
    return with_library(**{f"language/{name}": '{"semantics": []}' for name in names})


def with_semantics(text):
    return with_library(**{"semantics.json": text})
