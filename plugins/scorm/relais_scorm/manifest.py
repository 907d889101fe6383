"""Reading ``imsmanifest.xml``: SCORM 1.2 and SCORM 2004 (2nd, 3rd and 4th editions).

The result is plain frozen data (stored as JSON on the package): the version, the
default organisation's tree of items (clusters, SCOs and assets with their launch
URL), what the runtime must hand each SCO (mastery score, scaled passing score,
launch data, time limits, completion threshold), the subset of simple sequencing
Relais honours (``relais_scorm.sequencing``: control modes, rules and the
objectives they reference, rollup, objectives and their maps to shared objectives)
and whether shared objectives are global to the system. Elements are matched by
local name, so the namespace variants of the editions read alike; defusedxml
refuses entities and external DTDs.
"""

import posixpath
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote

from defusedxml import ElementTree
from django.utils.translation import gettext as _

XML = "{http://www.w3.org/XML/1998/namespace}"


class ManifestError(ValueError):
    """A manifest Relais cannot play; the message says why, for the trainer."""


@dataclass(frozen=True)
class Rule:
    """A sequencing rule: ``action`` when the conditions hold (``all`` or ``any``).
    Conditions are (condition, negated, threshold, referenced objective) tuples; the
    objective is "" for the activity's primary one."""

    action: str
    conditions: tuple = ()
    combination: str = "all"


@dataclass(frozen=True)
class RollupRule:
    action: str  # satisfied, notSatisfied, completed, incomplete
    child_set: str = "all"  # all, any, none, atLeastCount, atLeastPercent
    minimum_count: int = 0
    minimum_percent: float = 0.0
    conditions: tuple = ()
    combination: str = "any"


@dataclass(frozen=True)
class ObjectiveMap:
    target: str
    read_satisfied: bool = True
    write_satisfied: bool = False
    read_measure: bool = True
    write_measure: bool = False


@dataclass(frozen=True)
class Objective:
    """An objective of an activity other than its primary one (``imsss:objective``):
    what the content reports under its id (``cmi.objectives.n``) and the shared
    objectives it reads or writes."""

    identifier: str
    satisfied_by_measure: bool = False
    min_measure: float | None = None
    maps: tuple = ()


@dataclass(frozen=True)
class Sequencing:
    # Control modes, with SCORM 2004's defaults.
    choice: bool = True
    choice_exit: bool = True
    flow: bool = False
    forward_only: bool = False
    pre_rules: tuple = ()
    post_rules: tuple = ()
    exit_rules: tuple = ()
    rollup_rules: tuple = ()
    rollup_satisfied: bool = True
    rollup_completion: bool = True
    measure_weight: float = 1.0
    completion_set_by_content: bool = False
    objective_set_by_content: bool = False
    satisfied_by_measure: bool = False
    min_measure: float | None = None
    maps: tuple = ()
    attempt_limit: int | None = None
    primary_id: str = ""
    objectives: tuple = ()  # the other objectives (``Objective``)


@dataclass(frozen=True)
class Item:
    identifier: str
    title: str
    href: str = ""  # launch URL within the package ("" for a cluster)
    scorm_type: str = ""  # "sco", "asset" or "" (a cluster)
    visible: bool = True
    children: tuple = ()
    mastery_score: float | None = None  # SCORM 1.2, 0 to 100
    launch_data: str = ""
    max_time_allowed: str = ""
    time_limit_action: str = ""
    completion_threshold: float | None = None
    sequencing: Sequencing = field(default_factory=Sequencing)
    hide_lms_ui: tuple = ()

    @property
    def is_leaf(self):
        return not self.children

    @property
    def scaled_passing_score(self):
        """SCORM 2004: the primary objective's minimum measure, when it decides."""
        seq = self.sequencing
        return seq.min_measure if seq.satisfied_by_measure else None


@dataclass(frozen=True)
class Manifest:
    version: str  # "1.2" or "2004"
    edition: str  # "1.2", "2004 2nd Edition"…
    title: str
    root: Item  # the default organisation, as the tree's root
    # adlseq:objectivesGlobalToSystem: shared objectives outlive the attempt (the
    # learner's, in the organisation) unless the organisation says "false".
    objectives_global: bool = True

    def leaves(self):
        """Launchable items in tree order."""
        found = []

        def walk(item):
            if item.is_leaf and item.href:
                found.append(item)
            for child in item.children:
                walk(child)

        walk(self.root)
        return found

    def targets(self):
        """The ids of the shared objectives the activities map to."""
        found, stack = set(), [self.root]
        while stack:
            item = stack.pop()
            seq = item.sequencing
            found |= {mapping.target for mapping in seq.maps}
            found |= {m.target for o in seq.objectives for m in o.maps}
            stack.extend(item.children)
        return found

    def find(self, identifier):
        stack = [self.root]
        while stack:
            item = stack.pop()
            if item.identifier == identifier:
                return item
            stack.extend(item.children)
        return None

    def as_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        return cls(
            version=data["version"],
            edition=data["edition"],
            title=data["title"],
            root=_item_from_json(data["root"]),
            objectives_global=data.get("objectives_global", True),
        )


def parse(data, members):
    """The manifest from the bytes of ``imsmanifest.xml``; ``members`` is the set of
    file names in the package, so launch files are known to exist."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ManifestError(
            _("imsmanifest.xml is not valid XML: %(error)s") % {"error": error}
        ) from error
    except Exception as error:  # defusedxml refuses entities and DTDs
        raise ManifestError(
            _("imsmanifest.xml is refused: %(error)s") % {"error": error}
        ) from error
    if _local(root.tag) != "manifest":
        raise ManifestError(_("imsmanifest.xml does not hold a <manifest>."))
    version, edition = _version(root)
    base = _base(root, "")
    resources = _resources(root, base)
    collection = {
        element.get("ID"): element
        for element in _all(root, "sequencingCollection")
        for element in _children(element, "sequencing")
        if element.get("ID")
    }
    organisation = _organisation(root)
    reader = _Reader(version, resources, collection, members)
    tree = reader.item(organisation)
    manifest = Manifest(
        version=version,
        edition=edition,
        title=tree.title,
        root=tree,
        objectives_global=_flag(
            _attribute(organisation, "objectivesglobaltosystem") or "true"
        ),
    )
    if not manifest.leaves():
        raise ManifestError(_("The manifest launches nothing: no item has a resource."))
    return manifest


def _version(root):
    schema = ""
    for metadata in _children(root, "metadata"):
        for element in _children(metadata, "schemaversion"):
            schema = (element.text or "").strip()
    namespaces = {_namespace(element.tag) for element in root.iter()}
    namespaces |= {
        _namespace(name)
        for element in root.iter()
        for name in element.attrib
        if name.startswith("{")
    }
    if schema == "1.2":
        return "1.2", "1.2"
    if schema in ("CAM 1.3", "2004 2nd Edition"):
        return "2004", "2004 2nd Edition"
    if schema.startswith("2004"):
        return "2004", schema
    if any(ns.endswith("adlcp_v1p3") for ns in namespaces):
        return "2004", "2004"
    if any(ns.endswith("adlcp_rootv1p2") for ns in namespaces):
        return "1.2", "1.2"
    raise ManifestError(
        _("This is not a SCORM 1.2 or SCORM 2004 package (schema version %(v)r).")
        % {"v": schema}
    )


def _organisation(root):
    organisations = next(iter(_children(root, "organizations")), None)
    if organisations is None:
        raise ManifestError(_("The manifest has no <organizations>."))
    found = list(_children(organisations, "organization"))
    if not found:
        raise ManifestError(_("The manifest has no <organization>."))
    default = organisations.get("default")
    for organisation in found:
        if organisation.get("identifier") == default:
            return organisation
    return found[0]


def _resources(root, base):
    resources = {}
    for container in _children(root, "resources"):
        container_base = _base(container, base)
        for element in _children(container, "resource"):
            identifier = element.get("identifier")
            if not identifier:
                continue
            resources[identifier] = {
                "href": element.get("href") or "",
                "base": _base(element, container_base),
                "type": (_attribute(element, "scormtype") or "asset").lower(),
            }
    return resources


class _Reader:
    def __init__(self, version, resources, collection, members):
        self.version = version
        self.resources = resources
        self.collection = collection
        self.members = members
        self.seen = set()

    def item(self, element):
        identifier = element.get("identifier") or ""
        if not identifier:
            raise ManifestError(_("An item of the manifest has no identifier."))
        if identifier in self.seen:
            raise ManifestError(
                _("The identifier %(id)s is used twice in the manifest.")
                % {"id": identifier}
            )
        self.seen.add(identifier)
        title = _text(element, "title") or identifier
        children = tuple(self.item(child) for child in _children(element, "item"))
        href, scorm_type = "", ""
        reference = element.get("identifierref")
        if reference and not children:
            resource = self.resources.get(reference)
            if resource is None:
                raise ManifestError(
                    _("The item %(item)s names a resource %(ref)s that is not there.")
                    % {"item": identifier, "ref": reference}
                )
            href = self._launch(identifier, resource, element.get("parameters") or "")
            scorm_type = "sco" if resource["type"] == "sco" else "asset"
        mastery = _number(_text(element, "masteryscore"))
        threshold = None
        for completion in _children(element, "completionThreshold"):
            # 4th edition: minProgressMeasure; 2nd/3rd: the element's text.
            threshold = _number(completion.get("minProgressMeasure") or completion.text)
        return Item(
            identifier=identifier,
            title=title,
            href=href,
            scorm_type=scorm_type,
            visible=element.get("isvisible", "true").lower() != "false",
            children=children,
            mastery_score=mastery,
            launch_data=_text(element, "datafromlms") or _text(element, "dataFromLMS"),
            max_time_allowed=_text(element, "maxtimeallowed"),
            time_limit_action=_text(element, "timelimitaction")
            or _text(element, "timeLimitAction"),
            completion_threshold=threshold,
            sequencing=self.sequencing(element),
            hide_lms_ui=tuple(
                (hide.text or "").strip()
                for presentation in _all(element, "presentation", depth=2)
                for hide in _all(presentation, "hideLMSUI")
            ),
        )

    def _launch(self, identifier, resource, parameters):
        href = resource["href"]
        if not href:
            raise ManifestError(
                _("The item %(item)s launches a resource without href.")
                % {"item": identifier}
            )
        if "://" in href or href.startswith(("/", "\\")):
            raise ManifestError(
                _("The item %(item)s launches %(href)s, outside the package.")
                % {"item": identifier, "href": href}
            )
        path, _mark, query = href.partition("?")
        path, _hash, fragment = path.partition("#")
        name = posixpath.normpath(posixpath.join(resource["base"], unquote(path)))
        if name.startswith("..") or name not in self.members:
            raise ManifestError(
                _("The item %(item)s launches %(href)s, which the package lacks.")
                % {"item": identifier, "href": href}
            )
        url = name + (f"?{query}" if query else "")
        if parameters:
            # CAM: parameters join the href's own query string.
            parameters = parameters.lstrip("?&")
            if parameters and not parameters.startswith("#"):
                url += ("&" if "?" in url else "?") + parameters
            elif parameters:
                fragment = parameters[1:]
        return url + (f"#{fragment}" if fragment else "")

    def sequencing(self, element):
        if self.version != "2004":
            return Sequencing(flow=True)  # SCORM 1.2: the LMS offers previous/next
        found = next(iter(_children(element, "sequencing")), None)
        if found is None:
            return Sequencing()
        merged = {}
        shared = self.collection.get(found.get("IDRef"))
        for source in (shared, found):  # the item's own settings win
            if source is not None:
                merged.update(_sequencing_fields(source))
        return Sequencing(**merged)


def _sequencing_fields(element):
    values = {}
    for control in _children(element, "controlMode"):
        for name, key in (
            ("choice", "choice"),
            ("choiceExit", "choice_exit"),
            ("flow", "flow"),
            ("forwardOnly", "forward_only"),
        ):
            if control.get(name) is not None:
                values[key] = _flag(control.get(name))
    for rules in _children(element, "sequencingRules"):
        for kind, key in (
            ("preConditionRule", "pre_rules"),
            ("postConditionRule", "post_rules"),
            ("exitConditionRule", "exit_rules"),
        ):
            found = tuple(_rule(rule) for rule in _children(rules, kind))
            if found:
                values[key] = found
    for rollup in _children(element, "rollupRules"):
        for name, key in (
            ("rollupObjectiveSatisfied", "rollup_satisfied"),
            ("rollupProgressCompletion", "rollup_completion"),
        ):
            if rollup.get(name) is not None:
                values[key] = _flag(rollup.get(name))
        if rollup.get("objectiveMeasureWeight") is not None:
            values["measure_weight"] = _number(rollup.get("objectiveMeasureWeight"))
        found = tuple(_rollup_rule(rule) for rule in _children(rollup, "rollupRule"))
        if found:
            values["rollup_rules"] = found
    for delivery in _children(element, "deliveryControls"):
        for name, key in (
            ("completionSetByContent", "completion_set_by_content"),
            ("objectiveSetByContent", "objective_set_by_content"),
        ):
            if delivery.get(name) is not None:
                values[key] = _flag(delivery.get(name))
    for limits in _children(element, "limitConditions"):
        if limits.get("attemptLimit"):
            values["attempt_limit"] = int(_number(limits.get("attemptLimit")) or 0)
    for objectives in _children(element, "objectives"):
        if "adlseq" in _namespace(objectives.tag):
            continue  # 4th edition's completion maps (adlseq:objectives): not kept
        for primary in _children(objectives, "primaryObjective"):
            if primary.get("objectiveID"):
                values["primary_id"] = primary.get("objectiveID")
            if primary.get("satisfiedByMeasure") is not None:
                values["satisfied_by_measure"] = _flag(
                    primary.get("satisfiedByMeasure")
                )
            measure = _text(primary, "minNormalizedMeasure")
            if measure:
                values["min_measure"] = _number(measure)
            maps = _maps(primary)
            if maps:
                values["maps"] = maps
        others = tuple(
            Objective(
                identifier=objective.get("objectiveID"),
                satisfied_by_measure=_flag(objective.get("satisfiedByMeasure")),
                min_measure=_number(_text(objective, "minNormalizedMeasure")),
                maps=_maps(objective),
            )
            for objective in _children(objectives, "objective")
            if objective.get("objectiveID")
        )
        if others:
            values["objectives"] = others
    return values


def _maps(objective):
    return tuple(
        ObjectiveMap(
            target=info.get("targetObjectiveID") or "",
            read_satisfied=_flag(info.get("readSatisfiedStatus", "true")),
            write_satisfied=_flag(info.get("writeSatisfiedStatus", "false")),
            read_measure=_flag(info.get("readNormalizedMeasure", "true")),
            write_measure=_flag(info.get("writeNormalizedMeasure", "false")),
        )
        for info in _children(objective, "mapInfo")
        if info.get("targetObjectiveID")
    )


def _rule(element):
    conditions = next(iter(_children(element, "ruleConditions")), None)
    action = next(iter(_children(element, "ruleAction")), None)
    return Rule(
        action=action.get("action", "") if action is not None else "",
        combination=(
            conditions.get("conditionCombination", "all")
            if conditions is not None
            else "all"
        ),
        conditions=tuple(
            (
                condition.get("condition", ""),
                condition.get("operator") == "not",
                _number(condition.get("measureThreshold")),
                condition.get("referencedObjective") or "",
            )
            for condition in (
                _children(conditions, "ruleCondition") if conditions is not None else ()
            )
        ),
    )


def _rollup_rule(element):
    conditions = next(iter(_children(element, "rollupConditions")), None)
    action = next(iter(_children(element, "rollupAction")), None)
    return RollupRule(
        action=action.get("action", "") if action is not None else "",
        child_set=element.get("childActivitySet", "all"),
        minimum_count=int(_number(element.get("minimumCount")) or 0),
        minimum_percent=_number(element.get("minimumPercent")) or 0.0,
        combination=(
            conditions.get("conditionCombination", "any")
            if conditions is not None
            else "any"
        ),
        conditions=tuple(
            (condition.get("condition", ""), condition.get("operator") == "not", None)
            for condition in (
                _children(conditions, "rollupCondition")
                if conditions is not None
                else ()
            )
        ),
    )


def _item_from_json(data):
    sequencing = dict(data["sequencing"])
    for key in ("pre_rules", "post_rules", "exit_rules"):
        sequencing[key] = tuple(
            Rule(
                action=rule["action"],
                # Packages read before referenced objectives were kept: three items.
                conditions=tuple((*c, "")[:4] for c in rule["conditions"]),
                combination=rule["combination"],
            )
            for rule in sequencing[key]
        )
    sequencing["rollup_rules"] = tuple(
        RollupRule(
            **{**rule, "conditions": tuple(tuple(c) for c in rule["conditions"])}
        )
        for rule in sequencing["rollup_rules"]
    )
    sequencing["maps"] = tuple(ObjectiveMap(**m) for m in sequencing["maps"])
    sequencing["objectives"] = tuple(
        Objective(**{**o, "maps": tuple(ObjectiveMap(**m) for m in o["maps"])})
        for o in sequencing.get("objectives", ())
    )
    return Item(
        **{
            **data,
            "children": tuple(_item_from_json(child) for child in data["children"]),
            "sequencing": Sequencing(**sequencing),
            "hide_lms_ui": tuple(data["hide_lms_ui"]),
        }
    )


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag):
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _children(element, name):
    return [child for child in element if _local(child.tag) == name]


def _all(element, name, depth=None):
    """Descendants named ``name`` (down to ``depth`` levels)."""
    found, level = [], [element]
    while level and (depth is None or depth > 0):
        level = [child for parent in level for child in parent]
        found += [child for child in level if _local(child.tag) == name]
        depth = None if depth is None else depth - 1
    return found


def _attribute(element, name):
    for key, value in element.attrib.items():
        if _local(key).lower() == name:
            return value
    return None


def _text(element, name):
    child = next(iter(_children(element, name)), None)
    return (child.text or "").strip() if child is not None else ""


def _base(element, parent):
    base = element.get(f"{XML}base") or ""
    return posixpath.join(parent, base) if base else parent


def _flag(value):
    return str(value).strip().lower() in ("true", "1")


def _number(value):
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None
