"""Small SCORM packages built in memory for the tests: a SCORM 1.2 package of any
number of SCOs, a SCORM 2004 (4th edition) one, optionally with sequencing, and
broken ones. Each SCO is a page that does nothing by itself: the tests speak the
runtime protocol (commit, navigate) in its place, or the browser drives it."""

import io
import zipfile

SCO_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"""

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="kit12" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org">
    <title>{title}</title>
    {items}
  </organization></organizations>
  <resources>{resources}</resources>
</manifest>"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="kit2004" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="org"><organization identifier="org">
    <title>{title}</title>
    {items}
    {sequencing}
  </organization></organizations>
  <resources>{resources}</resources>
</manifest>"""


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def scorm12(scos=1, title="Kit 1.2", mastery=None, body=""):
    """SCOs ``sco1`` … ``scoN``, pages ``sco1.html`` …"""
    mastery_xml = (
        f"<adlcp:masteryscore>{mastery}</adlcp:masteryscore>" if mastery else ""
    )
    items = "".join(
        f'<item identifier="sco{n}" identifierref="r{n}"><title>Partie {n}</title>'
        f"{mastery_xml}</item>"
        for n in range(1, scos + 1)
    )
    resources = "".join(
        f'<resource identifier="r{n}" type="webcontent" adlcp:scormtype="sco" '
        f'href="sco{n}.html"><file href="sco{n}.html"/></resource>'
        for n in range(1, scos + 1)
    )
    files = {"imsmanifest.xml": MANIFEST_12.format(**locals())}
    for n in range(1, scos + 1):
        files[f"sco{n}.html"] = SCO_PAGE.format(title=f"Partie {n}", body=body)
    return zipped(files)


def scorm2004(
    scos=1,
    title="Kit 2004",
    passing=None,
    sequencing="",
    body="",
    item_sequencing=None,
    extra_files=None,
):
    """SCOs ``sco1`` … ``scoN``; ``passing`` is the scaled passing score of each;
    ``sequencing`` goes in the organisation, ``item_sequencing[n]`` in item n."""
    item_sequencing = item_sequencing or {}
    items = ""
    for n in range(1, scos + 1):
        own = item_sequencing.get(n, "")
        if passing is not None:
            own += (
                "<imsss:sequencing><imsss:objectives><imsss:primaryObjective "
                'objectiveID="p" satisfiedByMeasure="true"><imsss:minNormalizedMeasure>'
                f"{passing}</imsss:minNormalizedMeasure></imsss:primaryObjective>"
                "</imsss:objectives></imsss:sequencing>"
            )
        items += (
            f'<item identifier="sco{n}" identifierref="r{n}"><title>Partie {n}</title>'
            f"{own}</item>"
        )
    resources = "".join(
        f'<resource identifier="r{n}" type="webcontent" adlcp:scormType="sco" '
        f'href="sco{n}.html"><file href="sco{n}.html"/></resource>'
        for n in range(1, scos + 1)
    )
    files = {
        "imsmanifest.xml": MANIFEST_2004.format(
            title=title, items=items, sequencing=sequencing, resources=resources
        )
    }
    for n in range(1, scos + 1):
        files[f"sco{n}.html"] = SCO_PAGE.format(title=f"Partie {n}", body=body)
    files.update(extra_files or {})
    return zipped(files)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>
<manifest identifier="x"><organizations><organization identifier="o"><title>&c;</title>
</organization></organizations><resources/></manifest>"""


def broken():
    """(name, zip bytes, words the refusal must contain) for packages to refuse."""
    page = SCO_PAGE.format(title="x", body="")
    good_manifest = zipfile.ZipFile(io.BytesIO(scorm12())).read("imsmanifest.xml")
    return [
        ("not a zip", b"PK\x03\x04 this is not a zip at all", "zip"),
        ("no manifest", zipped({"index.html": page}), "imsmanifest.xml"),
        (
            "manifest in a folder",
            zipped({"course/imsmanifest.xml": good_manifest, "course/sco1.html": page}),
            "imsmanifest.xml",
        ),
        (
            "launch file missing",
            zipped({"imsmanifest.xml": good_manifest}),
            "sco1.html",
        ),
        (
            "broken XML",
            zipped({"imsmanifest.xml": b"<manifest><organizations>", "a.html": page}),
            "imsmanifest.xml",
        ),
        (
            "entity bomb",
            zipped({"imsmanifest.xml": BILLION_LAUGHS, "a.html": page}),
            "imsmanifest.xml",
        ),
        (
            "path traversal",
            zipped(
                {
                    "imsmanifest.xml": good_manifest,
                    "sco1.html": page,
                    "../../evil.html": page,
                }
            ),
            "evil.html",
        ),
        (
            "server-side code",
            zipped(
                {
                    "imsmanifest.xml": good_manifest,
                    "sco1.html": page,
                    "shell.php": "<?php system($_GET['c']); ?>",
                }
            ),
            "shell.php",
        ),
    ]
