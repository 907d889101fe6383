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
  <organizations default="org"><organization identifier="org"{organisation}>
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
    items=None,
    organisation="",
):
    """SCOs ``sco1`` … ``scoN``; ``passing`` is the scaled passing score of each;
    ``sequencing`` goes in the organisation, ``item_sequencing[n]`` in item n;
    ``items`` replaces the flat list of items (to nest them in clusters);
    ``organisation`` adds attributes to the organisation element."""
    item_sequencing = item_sequencing or {}
    given, items = items, ""
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
    items = given if given is not None else items
    resources = "".join(
        f'<resource identifier="r{n}" type="webcontent" adlcp:scormType="sco" '
        f'href="sco{n}.html"><file href="sco{n}.html"/></resource>'
        for n in range(1, scos + 1)
    )
    files = {
        "imsmanifest.xml": MANIFEST_2004.format(
            title=title,
            items=items,
            sequencing=sequencing,
            resources=resources,
            organisation=f" {organisation}" if organisation else "",
        )
    }
    for n in range(1, scos + 1):
        files[f"sco{n}.html"] = SCO_PAGE.format(title=f"Partie {n}", body=body)
    files.update(extra_files or {})
    return zipped(files)


# Sequencing, written as SCORM 2004's imsss elements -----------------------------


def seq(*parts):
    return f"<imsss:sequencing>{''.join(parts)}</imsss:sequencing>"


def control(**modes):
    """``control(choice=False, flow=True)`` -> <imsss:controlMode …/>"""
    names = {"forward_only": "forwardOnly", "choice_exit": "choiceExit"}
    attributes = " ".join(
        f'{names.get(key, key)}="{str(value).lower()}"' for key, value in modes.items()
    )
    return f"<imsss:controlMode {attributes}/>"


def condition(name, negated=False, objective=None, threshold=None):
    attributes = f'condition="{name}"'
    if negated:
        attributes += ' operator="not"'
    if objective:
        attributes += f' referencedObjective="{objective}"'
    if threshold is not None:
        attributes += f' measureThreshold="{threshold}"'
    return f"<imsss:ruleCondition {attributes}/>"


def rules(kind, action, *conditions, combination="all"):
    """One rule: kind is pre, post or exit."""
    tag = {"pre": "preConditionRule", "post": "postConditionRule"}.get(
        kind, "exitConditionRule"
    )
    return (
        f"<imsss:sequencingRules><imsss:{tag}>"
        f'<imsss:ruleConditions conditionCombination="{combination}">'
        f"{''.join(conditions)}</imsss:ruleConditions>"
        f'<imsss:ruleAction action="{action}"/></imsss:{tag}></imsss:sequencingRules>'
    )


def map_info(target, read=True, write=False):
    return (
        f'<imsss:mapInfo targetObjectiveID="{target}" '
        f'readSatisfiedStatus="{str(read).lower()}" '
        f'writeSatisfiedStatus="{str(write).lower()}"/>'
    )


def objectives(primary="", *others, by_measure=None):
    """The primary objective ``PRIMARY`` (with its maps, or decided by a minimum
    measure) and other objectives, as (id, maps) pairs."""
    measure = (
        ' satisfiedByMeasure="true"><imsss:minNormalizedMeasure>'
        f"{by_measure}</imsss:minNormalizedMeasure"
        if by_measure is not None
        else ""
    )
    found = f'<imsss:primaryObjective objectiveID="PRIMARY"{measure}>{primary}'
    found += "</imsss:primaryObjective>"
    for identifier, maps in others:
        found += f'<imsss:objective objectiveID="{identifier}">{maps}</imsss:objective>'
    return f"<imsss:objectives>{found}</imsss:objectives>"


CONTENT_DECIDES = (
    '<imsss:deliveryControls completionSetByContent="true" '
    'objectiveSetByContent="true"/>'
)

# A SCO the browser tests drive: it starts its session, and its button says the
# part is done (completed and passed), as a lesson's last page does.
FINISH_BUTTON = """<button type="button" id="finish">Terminé</button>
<script>
var api = window.parent.API_1484_11;
api.Initialize("");
document.getElementById("finish").addEventListener("click", function () {
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.success_status", "passed");
  api.Commit("");
});
</script>"""


def forced_sequential(scos=3, global_to_system=None, body=""):
    """A forced-sequential course as Rustici's "Golf" sequencing samples make it:
    no choice, flow only; each part writes its primary objective to a shared
    (global) objective ``kit.partN``, and part N+1 is disabled until the
    objective ``previous_part`` it reads from ``kit.partN`` is satisfied."""
    items = {}
    for n in range(1, scos + 1):
        primary = map_info(f"kit.part{n}", write=True)
        if n == 1:
            items[n] = seq(objectives(primary), CONTENT_DECIDES)
            continue
        items[n] = seq(
            rules(
                "pre",
                "disabled",
                condition("satisfied", negated=True, objective="previous_part"),
                condition(
                    "objectiveStatusKnown", negated=True, objective="previous_part"
                ),
                combination="any",
            ),
            objectives(primary, ("previous_part", map_info(f"kit.part{n - 1}"))),
            CONTENT_DECIDES,
        )
    return scorm2004(
        scos=scos,
        title="Parcours imposé",
        sequencing=seq(control(choice=False, flow=True)),
        item_sequencing=items,
        body=body,
        organisation=(
            f'adlseq:objectivesGlobalToSystem="{str(global_to_system).lower()}"'
            if global_to_system is not None
            else ""
        ),
    )


# What a SCORM 2004 4th edition package carries at its root besides its content:
# the schemas of the manifest (never referenced by it, never launched) and
# auxiliary files a validator ignores.
SCHEMA_FILES = {
    name: '<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>'
    for name in (
        "adlcp_v1p3.xsd",
        "adlseq_v1p3.xsd",
        "adlnav_v1p3.xsd",
        "imscp_v1p1.xsd",
        "imsss_v1p0.xsd",
        "lom.xsd",
        "xml.xsd",
        "common/anyElement.xsd",
        "vocab/strict.xsd",
    )
} | {
    "XMLSchema.dtd": "<!ELEMENT schema ANY>",
    "datatypes.dtd": "<!ENTITY % p 'xs:'>",
    "ims_xml.ent": "<!ENTITY copy '(c)'>",
    "lom.mod": "<!ELEMENT lom ANY>",
    "imsmanifest.xml.bak": "<manifest/>",
    "Thumbs.db": "\x00\x01",
}


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
