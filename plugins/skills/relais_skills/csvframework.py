"""A framework as a CSV file anyone can edit in a spreadsheet, and back.

One row per group or skill (an export lists groups first; rows may come in any
order) under this header::

    kind,uri,name,parent,description,alt_labels,valid_days

- ``kind``: ``group`` or ``skill``.
- ``uri``: the ESCO URI, or empty for a skill or group of the organisation's own.
- ``name``: the label (300 characters at most).
- ``parent``: the group it belongs to, named by its URI when it has one, otherwise
  by its path of names from the top, ``Accueil > Premiers contacts``, or from the
  nearest group above with a URI, ``http://data.europa.eu/esco/skill/… > Accueil``;
  empty for the top. It may name a group already in the framework by its URI.
- ``description``: text, line breaks allowed.
- ``alt_labels``: other names, one per line (or separated by `` | ``).
- ``valid_days``: for skills whose evidence expires (first aid: 730); empty for none.

Only ``kind`` and ``name`` are required; other columns are ignored with a warning.
Commas or semicolons separate cells, UTF-8 with or without BOM.

Importing into a framework updates what it already has: an item with a URI is
that URI, one without is its name under the same parent (its path of names), so
exporting, editing and importing again changes items instead of adding new ones.
The course that renews a skill is not in the file: it is a page of one
organisation. Plain Python, like ``relais_skills.esco``, whose reading helpers
it shares.
"""

from django.utils.translation import gettext as _

from relais_skills.esco import (
    Existing,
    Node,
    Problems,
    Tree,
    check_name,
    check_uri,
    read_table,
    split_labels,
)

HEADER = ["kind", "uri", "name", "parent", "description", "alt_labels", "valid_days"]
KINDS = ("group", "skill")
PATH_SEPARATOR = " > "
MAX_VALID_DAYS = 36500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as lms.exports.cell escapes them


def framework_rows(groups, skills):
    """The rows of a framework's file (header excluded). ``groups`` and ``skills``
    are ``Node``s whose ``key`` is their database id and ``parent`` the id of
    their group (or None)."""
    by_id = {group.key: group for group in groups}
    paths, names = {}, {}

    def path(group_id):
        """How a row names the group: its URI, or the path of names from the
        nearest group above that has one (or from the top)."""
        if group_id not in paths:
            group = by_id[group_id]
            above = path(group.parent) if group.parent in by_id else ()
            paths[group_id] = (group.uri,) if group.uri else (*above, group.name)
        return paths[group_id]

    def names_to(group_id):  # the order people read the file in
        if group_id not in by_id:
            return ()
        if group_id not in names:
            group = by_id[group_id]
            names[group_id] = (*names_to(group.parent), group.name)
        return names[group_id]

    def reference(group_id):
        return PATH_SEPARATOR.join(path(group_id)) if group_id in by_id else ""

    rows = []
    for group in sorted(groups, key=lambda g: (names_to(g.key), g.uri)):
        rows.append(
            ["group", group.uri, group.name, reference(group.parent),
             group.description, group.alt_labels, ""]
        )  # fmt: skip
    for skill in sorted(skills, key=lambda s: (names_to(s.parent), s.name, s.uri)):
        rows.append(
            ["skill", skill.uri, skill.name, reference(skill.parent),
             skill.description, skill.alt_labels,
             "" if skill.valid_days is None else str(skill.valid_days)]
        )  # fmt: skip
    return rows


def parse_framework_csv(data, file="framework.csv", existing_groups=frozenset()):
    """The ``Tree`` of a framework file and the ``Problems`` that forbid importing
    it. ``existing_groups``: URIs of the target framework's groups, which rows may
    name as parent without repeating them."""
    problems = Problems()
    table = read_table(data, file, ("kind", "name"), problems)
    if table is None:
        return Tree(authoritative=True), problems
    tree = Tree(authoritative=True)
    unknown = [name for name in table.header if name and name not in HEADER]
    if unknown:
        tree.warnings.append(
            _("These columns were ignored: %(columns)s.")
            % {"columns": ", ".join(unknown)}
        )
    rows = []
    uri_rows = {}
    for row, cells in table.rows:
        cells = {name: _uncell(value) for name, value in cells.items()}
        kind = cells["kind"].lower()
        if kind not in KINDS:
            problems.add(
                file,
                row,
                _("The kind must be “group” or “skill”, not “%(kind)s”.")
                % {"kind": cells["kind"]},
            )
            continue
        uri, name = cells.get("uri", ""), cells["name"]
        valid = check_name(name, file, row, problems, "name")
        if uri:
            valid = check_uri(uri, file, row, problems, "uri") and valid
        if uri and (kind, uri) in uri_rows:
            problems.add(
                file,
                row,
                _("The URI %(uri)s is already on row %(row)s.")
                % {"uri": uri, "row": uri_rows[kind, uri]},
            )
            valid = False
        if kind == "group" and not uri and ">" in name:
            problems.add(
                file,
                row,
                _("The name of a group without URI cannot contain “>”: it "
                  "separates the names of a path.")
            )  # fmt: skip
            valid = False
        valid_days = _valid_days(cells.get("valid_days", ""), kind, file, row, problems)
        if not valid or valid_days is False:
            continue
        if uri:
            uri_rows[kind, uri] = row
        rows.append(
            Node(
                kind,
                name,
                uri,
                cells.get("description", ""),
                "\n".join(split_labels(cells.get("alt_labels", ""))),
                cells.get("parent", ""),
                valid_days,
                row,
            )
        )
    if problems:
        return Tree(authoritative=True), problems
    groups = [node for node in rows if node.kind == "group"]
    resolver = _Parents(groups, existing_groups, file, problems)
    for group in groups:
        resolver.path(group)
    paths = {}
    for group in groups:
        if not group.uri and resolver.paths[id(group)] is not None:
            group.key = resolver.paths[id(group)]
            if group.key in paths:
                problems.add(
                    file,
                    group.row,
                    _("The group “%(path)s” is already on row %(row)s.")
                    % {"path": PATH_SEPARATOR.join(group.key), "row": paths[group.key]},
                )
            paths.setdefault(group.key, group.row)
    for group in groups:
        group.parent = resolver.parent_key(group)
    named = {}
    for skill in (node for node in rows if node.kind == "skill"):
        parent = resolver.find(skill.parent, skill)
        skill.parent = parent
        if parent is False:
            continue
        if not skill.uri:
            if (parent, skill.name) in named:
                problems.add(
                    file,
                    skill.row,
                    _("The skill “%(name)s” is already in this group on row %(row)s.")
                    % {"name": skill.name, "row": named[parent, skill.name]},
                )
            named.setdefault((parent, skill.name), skill.row)
        tree.skills.append(skill)
    if problems:
        return Tree(authoritative=True), problems
    tree.groups = sorted(groups, key=resolver.depth)
    return tree, problems


def _uncell(value):
    """A cell as typed: exports put a ' before text a spreadsheet would run as a
    formula."""
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_START:
        return value[1:]
    return value


def _valid_days(value, kind, file, row, problems):
    """The number of days, None when empty, False when wrong (reported)."""
    if not value:
        return None
    if kind == "group":
        problems.add(file, row, _("Only skills have a validity in days."))
        return False
    if not value.isdigit() or not 1 <= int(value) <= MAX_VALID_DAYS:
        problems.add(
            file,
            row,
            _("The validity must be a number of days from 1 to %(max)s, not "
              "“%(value)s”.") % {"max": MAX_VALID_DAYS, "value": value},
        )  # fmt: skip
        return False
    return int(value)


class _Parents:
    """Finds the group a ``parent`` cell names, and each group's path, reporting
    unknown parents and loops. A group's path is how rows name it: its URI, or
    the names from the nearest group above with a URI (or from the top)."""

    def __init__(self, groups, existing, file, problems):
        self.by_uri = {group.uri: group for group in groups if group.uri}
        self.by_name = {}
        for group in groups:
            if not group.uri:
                self.by_name.setdefault(group.name, []).append(group)
        self.existing = existing
        self.file, self.problems = file, problems
        self.paths, self.parents = {}, {}
        self.visiting = set()

    def path(self, group):
        """The path of ``group``; None when it cannot be placed."""
        if id(group) not in self.paths:
            self.visiting.add(id(group))
            parent = self.find(group.parent, group)
            if parent is False:
                path = None
            elif group.uri:
                path = (group.uri,)
            elif isinstance(parent, Node):
                above = self.path(parent)
                path = None if above is None else (*above, group.name)
            elif isinstance(parent, Existing):
                path = (parent.uri, group.name)
            else:
                path = (group.name,)
            self.visiting.discard(id(group))
            self.parents[id(group)] = parent
            self.paths[id(group)] = path
        return self.paths[id(group)]

    def depth(self, group):
        """How many groups of the file are above ``group`` (to write parents
        first, whatever the order of the rows)."""
        depth, parent = 0, self.parents[id(group)]
        while isinstance(parent, Node):
            depth, parent = depth + 1, self.parents[id(parent)]
        return depth

    def parent_key(self, group):
        parent = self.parents[id(group)]
        return parent.key if isinstance(parent, Node) else parent

    def find(self, reference, node):
        """The group ``reference`` names: a ``Node`` of the file, ``Existing``
        for a group only in the framework, None for the top; False (reported)
        when there is no such group."""
        if not reference:
            return None
        found = self._lookup(reference, node)
        if isinstance(found, Node) and id(found) in self.visiting:
            found = self._loop(node)
        elif isinstance(found, Node) and self.path(found) is None:
            found = False  # its own row says what is wrong
        elif found is None:
            self.problems.add(
                self.file,
                node.row,
                _("No group “%(parent)s” in the file or the framework.")
                % {"parent": reference},
            )
            found = False
        if node.kind == "skill" and isinstance(found, Node):
            return found.key
        return found

    def _lookup(self, reference, node):
        if reference in self.by_uri:
            return self.by_uri[reference]
        if reference in self.existing:
            return Existing(reference)
        names = tuple(name.strip() for name in reference.split(">"))
        looping = None
        for candidate in self.by_name.get(names[-1], ()):
            if candidate is node:
                continue
            if id(candidate) in self.visiting:
                looping = candidate
            elif self.path(candidate) == names:
                return candidate
        return looping

    def _loop(self, node):
        self.problems.add(
            self.file,
            node.row,
            _("The group “%(name)s” would be inside itself: the parents go round "
              "in a circle.") % {"name": node.name},
        )  # fmt: skip
        return False
