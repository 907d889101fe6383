"""ESCO's CSV distribution read into a neutral tree of groups and skills.

ESCO (© European Union, https://esco.ec.europa.eu) publishes its skills pillar per
language as ``skills_<lang>.csv`` and ``skillGroups_<lang>.csv``, and the hierarchy
once for all languages as ``broaderRelationsSkillPillar.csv``. Columns are found by
their header name, so v1.0's 7-column files and the wider files of v1.1 and later
read alike.

Plain Python: the only Django used here is gettext, for the messages to the
coordinator. Reading never stops at the first problem, so one pass lists every row to
fix. A problem is *skippable* when it is about one concept's row (an empty label, a
bad or repeated URI): the ``Tree`` is then built without that row, and the
coordinator chooses to import the rest or nothing. Any other problem (a missing
column, a malformed file, a loop) forbids the import. The database side is
``relais_skills.imports``; the custom CSV layout, ``relais_skills.csvframework``,
shares the reading helpers below.

The hierarchy comes from ``broaderRelationsSkillPillar.csv`` or, from v1.1,
``skillsHierarchy_<lang>.csv`` (one row per group, its ancestors in the "Level N"
columns before it). Without either, groups are flat and the import says so.

What ESCO's shape becomes here:

- A concept in the skills file is a skill, even where the hierarchy file calls it a
  group (v1.0's transversal skills, "work in teams", have narrower skills).
- A skill's group is its nearest group above it: ESCO also puts skills under skills,
  which a framework (groups of skills) has no room for. Where ESCO gives several
  broader concepts, the first in the file wins.
- A group's name comes from the groups file, else from the skills file's
  ``broaderConceptPT`` (v1.1+). A group with no name anywhere is passed through:
  what is under it goes to the nearest named group above.
"""

import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SKILL_TYPE = "KnowledgeSkillCompetence"
GROUP_TYPE = "SkillGroup"
MAX_URI = 200  # Skill.uri and SkillGroup.uri
MAX_NAME = 300  # Skill.name and SkillGroup.name
MAX_PROBLEMS = 100  # a wrong file would otherwise list every one of its rows
ALT_LABEL_SEPARATOR = re.compile(r"\r?\n| \| ")
# Typographic apostrophes (right and left quotes, modifier letter) and the
# backtick compare as the plain one.
APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc`", "'"))


@dataclass(frozen=True)
class Problem:
    """Malformed input. ``row`` counts records as a spreadsheet shows them (the
    header is row 1); 0 when it is about no row. A ``skippable`` problem concerns
    that row alone, which the import can leave out."""

    file: str
    row: int
    reason: str
    skippable: bool = False

    def as_message(self):
        message = {"file": self.file, "row": self.row, "reason": self.reason}
        if self.skippable:
            message["skippable"] = True
        return message


class Problems(list):
    """Problems, capped: past ``MAX_PROBLEMS`` only the number of rows is kept
    (a problem about no row, as what it means for the whole import, is kept)."""

    def __init__(self):
        super().__init__()
        self.more = 0
        self.more_blocking = False
        self.skipped_rows = 0  # every skippable problem, past the cap too

    def add(self, file, row, reason, *, skippable=False):
        self.skipped_rows += skippable
        if len(self) < MAX_PROBLEMS or not row:
            self.append(Problem(file, row, reason, skippable))
        else:
            self.more += 1
            self.more_blocking = self.more_blocking or not skippable

    @property
    def blocking(self):
        """Whether a problem forbids importing anything, even without its row."""
        return self.more_blocking or any(not p.skippable for p in self)

    def as_messages(self):
        messages = [problem.as_message() for problem in self]
        if self.more:
            message = {
                "file": "",
                "row": 0,
                "reason": _("… and %(count)s more problems.") % {"count": self.more},
            }
            if not self.more_blocking:
                message["skippable"] = True
            messages.append(message)
        return messages


@dataclass(frozen=True)
class Existing:
    """A group already in the framework, named by its URI, that the file does not
    repeat."""

    uri: str


@dataclass
class Node:
    """A group or a skill on its way into a framework.

    A group's ``key`` is how the other nodes of its tree name it: its URI, or
    for a group without one the tuple of names from the top (or from the
    nearest group above with a URI). ``parent`` is the key of
    a group of the same tree, an ``Existing`` group of the framework, or None."""

    kind: str  # "group" or "skill"
    name: str
    uri: str = ""
    description: str = ""
    alt_labels: str = ""  # one per line
    parent: object = None
    valid_days: int | None = None
    row: int = 0
    key: object = None

    def __post_init__(self):
        if self.key is None:
            self.key = self.uri


@dataclass
class Tree:
    """What an import writes: groups (parents before children) and skills.

    ``authoritative`` says the file describes each item completely: an item
    without parent goes to the top and ``valid_days`` is set as read (the custom
    CSV); otherwise (ESCO) an item with no known parent stays where it is and
    ``valid_days`` is left alone."""

    groups: list[Node] = field(default_factory=list)
    skills: list[Node] = field(default_factory=list)
    authoritative: bool = False
    warnings: list[str] = field(default_factory=list)
    flat: bool = False  # groups side by side, for want of a hierarchy file

    def __len__(self):
        return len(self.groups) + len(self.skills)


@dataclass
class Table:
    """A CSV file's records, with their row numbers, by lower-cased header name."""

    file: str
    header: list[str]
    rows: list[tuple[int, dict]]


# ---------------------------------------------------------------------------
# Reading CSV files


def read_table(data, file, required=(), problems=None):
    """A ``Table`` from the bytes of a CSV file, or None with what is wrong in
    ``problems``. UTF-8 with or without BOM, CRLF or LF, quoted multi-line cells,
    commas or (spreadsheet software in French) semicolons between cells."""
    problems = Problems() if problems is None else problems
    text = decode(data, file, problems)
    if text is None:
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for row, record in enumerate(reader, start=1):
            records.append((row, record))
    except csv.Error as error:
        problems.add(
            file,
            len(records) + 1,
            _("The CSV is malformed here (%(error)s).") % {"error": error},
        )
        return None
    if not records or not any(cell.strip() for cell in records[0][1]):
        problems.add(file, 1, _("The file is empty: the header row is missing."))
        return None
    header = [name.strip().lower() for name in records[0][1]]
    missing = [name for name in required if name.lower() not in header]
    for name in missing:
        problems.add(
            file,
            1,
            _("The column “%(name)s” is missing (the header has: %(header)s).")
            % {"name": name, "header": ", ".join(records[0][1])},
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    for name in repeated:
        problems.add(
            file, 1, _("The column “%(name)s” appears twice.") % {"name": name}
        )
    if missing or repeated:
        return None
    rows = []
    for row, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # blank lines, the last one above all
        if len(record) != len(header):
            problems.add(
                file,
                row,
                _("This row has %(found)s cells where the header has %(expected)s.")
                % {"found": len(record), "expected": len(header)},
            )
            continue
        rows.append(
            (
                row,
                {
                    name: clean_text(cell)
                    for name, cell in zip(header, record, strict=True)
                },
            )
        )
    return Table(file, header, rows)


def decode(data, file, problems):
    """UTF-8 text without its BOM, or None with the row of the first bad byte."""
    if data.startswith(b"PK\x03\x04"):
        problems.add(
            file,
            0,
            _(
                "This is a spreadsheet (XLSX), not a CSV file: save it as "
                "“CSV UTF-8” and import that."
            ),
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.add(
            file,
            _row_at(data, error.start),
            _(
                "The file is not UTF-8 text (byte %(byte)s cannot be read): save it "
                "as “CSV UTF-8” and import it again."
            )
            % {"byte": f"0x{data[error.start]:02X}"},
        )
        return None
    if "\x00" in text:
        problems.add(file, 0, _("This is not a text file."))
        return None
    return text


def _row_at(data, offset):
    """The record (row) holding byte ``offset``, counting as ``read_table`` does:
    a character put there lands in that record, even inside a quoted cell."""
    before = data[:offset].decode("utf-8-sig", errors="replace") + "?"
    return sum(1 for _record in csv.reader(io.StringIO(before, newline="")))


def clean_text(value):
    """A cell's text with its line endings as ``\\n`` and no surrounding blanks."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def split_labels(value):
    """Alternative labels, one per line in v1.0 files and " | " in others."""
    labels = []
    for label in ALT_LABEL_SEPARATOR.split(value or ""):
        label = label.strip()
        if label and label not in labels:
            labels.append(label)
    return labels


def normalise(text):
    """Text as a search compares it: no case, accents or typographic quotes."""
    text = unicodedata.normalize("NFKD", text.translate(APOSTROPHES).casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def check_uri(uri, file, row, problems, column="conceptUri", *, skippable=False):
    if not uri:
        problems.add(
            file,
            row,
            _("The %(column)s is empty.") % {"column": column},
            skippable=skippable,
        )
        return False
    if len(uri) > MAX_URI or any(c.isspace() for c in uri):
        problems.add(
            file,
            row,
            _("“%(uri)s” is not a valid URI (no spaces, %(max)s characters at most).")
            % {"uri": uri[:80], "max": MAX_URI},
            skippable=skippable,
        )
        return False
    return True


def check_name(name, file, row, problems, column="preferredLabel", *, skippable=False):
    if not name:
        problems.add(
            file,
            row,
            _("The %(column)s is empty.") % {"column": column},
            skippable=skippable,
        )
        return False
    if len(name) > MAX_NAME:
        problems.add(
            file,
            row,
            _("The %(column)s is longer than %(max)s characters.")
            % {"column": column, "max": MAX_NAME},
            skippable=skippable,
        )
        return False
    return True


# ---------------------------------------------------------------------------
# ESCO's files


@dataclass
class Concept:
    uri: str
    name: str
    description: str
    alt_labels: list[str]
    row: int
    broader: list[str] = field(default_factory=list)  # skills file, v1.1+
    broader_names: list[str] = field(default_factory=list)


@dataclass
class Relation:
    row: int
    uri: str
    broader: str
    type: str
    broader_type: str


def read_concepts(data, file, kind, problems, skipped=None):
    """Skills (``kind`` "skill") or groups of an ESCO file, by URI. A row with a
    bad URI or label is a skippable problem; the URIs of those left out go to
    ``skipped``, so that the hierarchy still knows what they were."""
    skipped = set() if skipped is None else skipped
    table = read_table(data, file, ("conceptUri", "preferredLabel"), problems)
    if table is None:
        return {}
    expected = SKILL_TYPE if kind == "skill" else GROUP_TYPE
    concepts, rows = {}, {}
    for row, cells in table.rows:
        concept_type = cells.get("concepttype", "")
        if concept_type and concept_type != expected:
            if concept_type == GROUP_TYPE:
                reason = _(
                    "This row is a skill group, not a skill: is this the skill "
                    "groups file (skillGroups_<language>.csv)?"
                )
            elif concept_type == SKILL_TYPE:
                reason = _(
                    "This row is a skill, not a skill group: is this the skills "
                    "file (skills_<language>.csv)?"
                )
            else:
                reason = _("Unknown conceptType “%(type)s”.") % {"type": concept_type}
            problems.add(file, row, reason)
            continue
        uri, name = cells["concepturi"], cells["preferredlabel"]
        valid_uri = check_uri(uri, file, row, problems, skippable=True)
        valid = check_name(name, file, row, problems, skippable=True) and valid_uri
        if not valid:
            if valid_uri and uri not in rows:
                skipped.add(uri)
            continue
        if uri in rows:
            problems.add(
                file,
                row,
                _("The URI %(uri)s is already on row %(row)s.")
                % {"uri": uri, "row": rows[uri]},
                skippable=True,
            )
            continue
        rows[uri] = row
        concepts[uri] = Concept(
            uri=uri,
            name=name,
            description=cells.get("description", ""),
            alt_labels=split_labels(cells.get("altlabels", "")),
            row=row,
            broader=split_labels(cells.get("broaderconcepturi", "")),
            broader_names=[
                label.strip()
                for label in cells.get("broaderconceptpt", "").split(" | ")
                if label.strip()
            ],
        )
    return concepts


LEVEL_URI = re.compile(r"level (\d+) uri")


def read_relations(data, file, problems, names=None):
    """The rows of ``broaderRelationsSkillPillar.csv``, or those made from
    ``skillsHierarchy_<lang>.csv`` (whose group names go to ``names``); a
    repeated relation is read once."""
    first_line = data.split(b"\n", 1)[0].lower()
    if b"level 0 uri" in first_line:
        return read_levels(data, file, problems, {} if names is None else names)
    table = read_table(data, file, ("conceptUri", "broaderUri"), problems)
    if table is None:
        return []
    relations, seen = [], set()
    for row, cells in table.rows:
        uri, broader = cells["concepturi"], cells["broaderuri"]
        valid = check_uri(uri, file, row, problems)
        valid = check_uri(broader, file, row, problems, "broaderUri") and valid
        if not valid or (uri, broader) in seen:
            continue
        if uri == broader:
            problems.add(
                file, row, _("%(uri)s is its own broader concept.") % {"uri": uri}
            )
            continue
        seen.add((uri, broader))
        relations.append(
            Relation(
                row,
                uri,
                broader,
                cells.get("concepttype", ""),
                cells.get("broadertype", ""),
            )
        )
    return relations


def read_levels(data, file, problems, names):
    """``skillsHierarchy_<lang>.csv``: a row per group, its path from the top in
    the "Level 0 URI", "Level 1 URI"… columns (with each level's "preferred
    term"), the group itself at the deepest level filled. Its relations are
    those between consecutive levels; its names, those of the file's language."""
    table = read_table(data, file, ("Level 0 URI",), problems)
    if table is None:
        return []
    levels = sorted(
        int(match[1]) for name in table.header if (match := LEVEL_URI.fullmatch(name))
    )
    relations, seen = [], set()
    for row, cells in table.rows:
        path = []
        for level in levels:
            uri = cells.get(f"level {level} uri", "")
            if not uri:
                break
            if not check_uri(uri, file, row, problems, f"Level {level} URI"):
                path = []
                break
            path.append(uri)
            name = cells.get(f"level {level} preferred term", "")
            if name and len(name) <= MAX_NAME:
                names.setdefault(uri, Concept(uri, name, "", [], row))
        if path and path[-1] in names and cells.get("description"):
            concept = names[path[-1]]
            if concept.row == row:
                concept.description = cells["description"]
        for above, uri in itertools.pairwise(path):
            if (uri, above) in seen:
                continue
            if uri == above:
                problems.add(
                    file, row, _("%(uri)s is its own broader concept.") % {"uri": uri}
                )
                continue
            seen.add((uri, above))
            relations.append(Relation(row, uri, above, GROUP_TYPE, GROUP_TYPE))
    return relations


@dataclass
class Selection:
    """Which skills to take: those under ``roots`` (group or skill URIs) and
    those whose names match one of ``searches``; everything when both are empty."""

    roots: list[str] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)

    @classmethod
    def from_text(cls, roots="", search=""):
        """From what a form gives: URIs one per line (or separated by spaces or
        commas), searches separated by commas, semicolons or lines."""
        return cls(
            roots=[uri for uri in re.split(r"[\s,;]+", roots or "") if uri],
            searches=[
                term.strip()
                for term in re.split(r"[,;\n]", search or "")
                if term.strip()
            ],
        )

    @property
    def everything(self):
        return not self.roots and not self.searches


def parse_esco(skills, *, groups=None, relations=None, selection=None, names=None):
    """The ``Tree`` to import from ESCO files (bytes; ``groups`` and ``relations``
    optional) and the ``Problems`` that forbid it. ``names`` are the files' names
    for the messages."""
    names = {
        "skills": "skills.csv",
        "groups": "skillGroups.csv",
        "relations": "broaderRelationsSkillPillar.csv",
        **(names or {}),
    }
    selection = selection or Selection()
    problems = Problems()
    skipped = set()
    skill_concepts = read_concepts(skills, names["skills"], "skill", problems, skipped)
    group_concepts = (
        read_concepts(groups, names["groups"], "group", problems) if groups else {}
    )
    # v1.1+ skills files name each skill's broader concepts themselves.
    links = [
        Relation(concept.row, concept.uri, broader, SKILL_TYPE, "")
        for concept in skill_concepts.values()
        for broader in concept.broader
        if broader != concept.uri
    ]
    if relations:
        level_names = {}
        read = read_relations(relations, names["relations"], problems, level_names)
        if level_names:  # skillsHierarchy: groups only, skills link from above
            links += read
            for uri, concept in level_names.items():
                group_concepts.setdefault(uri, concept)
        else:
            links = read
    if problems.blocking:
        return Tree(), problems
    hierarchy = Hierarchy(skill_concepts, group_concepts, links, skipped)
    hierarchy.check_cycles(
        names["relations"] if relations else names["skills"], problems
    )
    if problems.blocking:
        return Tree(), problems
    tree = hierarchy.select(selection, problems)
    if not relations and tree.groups:
        tree.flat = True
        tree.warnings.append(
            _(
                "Without a hierarchy file (broaderRelationsSkillPillar.csv or "
                "skillsHierarchy_<language>.csv), the groups are imported flat, "
                "side by side: add it to nest them."
            )
        )
    return tree, problems


class Hierarchy:
    """The broader relations between concepts, and which concepts are groups."""

    def __init__(self, skills, groups, relations, skipped=frozenset()):
        self.skills = skills
        self.skipped = skipped  # skills left out, that are no groups either
        self.relations = relations
        self.broader, self.narrower = {}, {}
        for relation in relations:
            self.broader.setdefault(relation.uri, []).append(relation)
            self.narrower.setdefault(relation.broader, []).append(relation.uri)
        # A concept the skills file lists is a skill, whatever the hierarchy says.
        self.group_names = {}
        for concept in skills.values():
            for uri, name in zip(concept.broader, concept.broader_names, strict=False):
                if uri not in skills:
                    self.group_names.setdefault(uri, name)
        self.groups = {
            uri: g
            for uri, g in groups.items()
            if uri not in skills and uri not in skipped
        }
        for uri, name in self.group_names.items():
            if uri not in self.groups:
                self.groups[uri] = Concept(uri, name, "", [], 0)
        self._nearest = {}

    def check_cycles(self, file, problems):
        """Every loop in the hierarchy, reported at the row that closes it."""
        state = {}  # 1: on the current path, 2: done
        for start in list(self.broader):
            if state.get(start):
                continue
            path, stack = [start], [iter(self.broader.get(start, []))]
            state[start] = 1
            while stack:
                relation = next(stack[-1], None)
                if relation is None:
                    state[path.pop()] = 2
                    stack.pop()
                    continue
                above = relation.broader
                if state.get(above) == 1:
                    loop = [*path[path.index(above) :], above]
                    problems.add(
                        file,
                        relation.row,
                        _("The hierarchy goes round in a circle: %(loop)s.")
                        % {"loop": " → ".join(self.label(uri) for uri in loop)},
                    )
                elif not state.get(above):
                    state[above] = 1
                    path.append(above)
                    stack.append(iter(self.broader.get(above, [])))

    def unnamed_groups(self):
        """Groups the hierarchy names that neither file names."""
        said = {r.uri for r in self.relations if r.type == GROUP_TYPE}
        said |= {r.broader for r in self.relations if r.broader_type == GROUP_TYPE}
        said |= {r.broader for r in self.relations if r.broader not in self.skills}
        return said - self.groups.keys() - self.skills.keys() - self.skipped

    def label(self, uri):
        concept = self.skills.get(uri) or self.groups.get(uri)
        return f"“{concept.name}”" if concept else uri

    def nearest_group(self, uri):
        """The first named group above ``uri``: a direct one first, else the
        nearest group above its first broader concept that has one."""
        if uri in self._nearest:
            return self._nearest[uri]
        # Iterative, as chains of skills can be deep; the hierarchy has no loops.
        pending = [uri]
        while pending:
            current = pending[-1]
            if current in self._nearest:
                pending.pop()
                continue
            above = [r.broader for r in self.broader.get(current, [])]
            direct = next((b for b in above if b in self.groups), None)
            if direct is not None or not above:
                self._nearest[current] = direct
                pending.pop()
                continue
            unknown = [b for b in above if b not in self._nearest]
            if unknown:
                pending.extend(reversed(unknown))
                continue
            self._nearest[current] = next(
                (self._nearest[b] for b in above if self._nearest[b]), None
            )
            pending.pop()
        return self._nearest[uri]

    def below(self, roots):
        """``roots`` and every concept under them."""
        seen, pending = set(roots), list(roots)
        while pending:
            for uri in self.narrower.get(pending.pop(), ()):
                if uri not in seen:
                    seen.add(uri)
                    pending.append(uri)
        return seen

    def select(self, selection, problems):
        known = self.skills.keys() | self.groups.keys() | self.broader.keys()
        known |= self.narrower.keys()
        for uri in selection.roots:
            if uri not in known:
                problems.add(
                    "",
                    0,
                    _("The group %(uri)s is in none of the files.") % {"uri": uri},
                )
        if problems.blocking:
            return Tree()
        if selection.everything:
            skill_uris = list(self.skills)
        else:
            under = self.below(selection.roots)
            matching = _matching(self.skills.values(), selection.searches)
            skill_uris = [u for u in self.skills if u in under or u in matching]
        if not skill_uris:
            problems.add(
                "",
                0,
                _("No skill of the file can be imported.")
                if selection.everything
                else _("No skill matches the groups and search chosen."),
            )
            return Tree()
        # Only the groups that hold a skill: ESCO has hundreds of groups, and a
        # part of it must not bring the empty ones.
        group_uris = {self.nearest_group(u) for u in skill_uris} - {None}
        # Each chosen group brings the groups above it, so the tree stays whole.
        for uri in list(group_uris):
            parent = self.nearest_group(uri)
            while parent is not None and parent not in group_uris:
                group_uris.add(parent)
                parent = self.nearest_group(parent)
        tree = Tree()
        unnamed = self.unnamed_groups()
        if unnamed:
            tree.warnings.append(
                ngettext(
                    "%(count)s group of the hierarchy has no name in the files "
                    "(is the groups file missing?): what is under it went to the "
                    "nearest named group above, or none.",
                    "%(count)s groups of the hierarchy have no name in the files "
                    "(is the groups file missing?): what is under them went to the "
                    "nearest named group above, or none.",
                    len(unnamed),
                )
                % {"count": len(unnamed)}
            )
        for uri in self._parents_first(group_uris):
            concept = self.groups[uri]
            tree.groups.append(
                Node(
                    "group",
                    concept.name,
                    uri,
                    concept.description,
                    "\n".join(concept.alt_labels),
                    self.nearest_group(uri),
                    row=concept.row,
                )
            )
        for uri in skill_uris:
            concept = self.skills[uri]
            tree.skills.append(
                Node(
                    "skill",
                    concept.name,
                    uri,
                    concept.description,
                    "\n".join(concept.alt_labels),
                    self.nearest_group(uri),
                    row=concept.row,
                )
            )
        return tree

    def _parents_first(self, uris):
        depth = {}

        def depth_of(uri):
            chain = []
            while uri is not None and uri not in depth:
                chain.append(uri)
                uri = self.nearest_group(uri)
            base = depth[uri] if uri is not None else -1
            for item in reversed(chain):
                base += 1
                depth[item] = base
            return depth[chain[0]] if chain else base

        return sorted(uris, key=lambda uri: (depth_of(uri), self.groups[uri].name, uri))


def _matching(skills, searches):
    """URIs of the skills whose name or one of whose other names holds every word
    of one of the searches."""
    terms = [normalise(term).split() for term in searches]
    terms = [words for words in terms if words]
    found = set()
    if not terms:
        return found
    for concept in skills:
        labels = [normalise(label) for label in [concept.name, *concept.alt_labels]]
        if any(all(w in label for w in words) for words in terms for label in labels):
            found.add(concept.uri)
    return found
