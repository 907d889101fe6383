"""Navigation and rollup: the subset of SCORM 2004 simple sequencing Relais honours.

A ``Tracker`` reads the manifest's tree with the attempt's state (each SCO's data and
the shared objectives) and answers: the status of any item (leaves from their CMI
data, clusters by rollup), which item a navigation request delivers, what the
learner may choose or flow to. SCORM 1.2 packages are the simple case: flow and
choice everywhere, no rules, a package done when every SCO is.

Honoured:

- navigation requests start, resumeAll, continue, previous, choice, exit, exitAll,
  suspendAll, abandon and abandonAll (the last two as exit and exitAll);
- control modes choice, choiceExit, flow and forwardOnly (previous, and a choice
  back, refused);
- flow as SN's traversal: skipped parts passed over, a disabled part stops it
  (never jumped past);
- pre-condition rules skip, disabled and hiddenFromChoice; post-condition rules
  exitParent, exitAll, retry, retryAll, continue and previous; exit-condition rules
  (exit), read on the ancestors of the part being left;
- rule conditions satisfied, objectiveStatusKnown, objectiveMeasureKnown,
  objectiveMeasureGreaterThan, objectiveMeasureLessThan, completed,
  activityProgressKnown, attempted, attemptLimitExceeded and always (combined with
  all/any and not), on the objective they reference (``referencedObjective``);
- rollup: rollupObjectiveSatisfied, rollupProgressCompletion, objectiveMeasureWeight,
  rollup rules (all, any, none, atLeastCount, atLeastPercent with those conditions;
  actions satisfied, notSatisfied, completed, incomplete) and the default rollup;
- delivery controls completionSetByContent and objectiveSetByContent (when false,
  an attempt the SCO ends (it initialised and terminated) without reporting
  counts as completed, and satisfied);
- objectives, primary and others (those from the SCO's ``cmi.objectives``), with
  their mapInfo to shared (global) objectives: read and write of the satisfied
  status and the normalized measure. Where they are kept (the attempt, or the
  learner's ``GlobalObjective`` rows) is ``relais_scorm.attempts``' business.

Not honoured (ignored, never an error): selection and randomisation, time limits,
rollupConsiderations, constrainChoice and preventActivation, jump requests,
auxiliary resources. ``start`` delivers the first item even where flow is off (the
learner then chooses in the table of contents).
"""

from dataclasses import dataclass


class NavigationRefused(Exception):
    """The request is not allowed from here (the player keeps the current item)."""


@dataclass(frozen=True)
class Status:
    attempted: bool = False
    completed: bool | None = None
    satisfied: bool | None = None
    measure: float | None = None

    @property
    def label(self):
        """What the learner reads: passed, failed, completed, incomplete, not
        attempted."""
        if self.satisfied is True:
            return "passed"
        if self.satisfied is False and self.completed is not False:
            return "failed"
        if self.completed:
            return "completed"
        return "incomplete" if self.attempted else "not attempted"


@dataclass(frozen=True)
class Decision:
    launch: str | None = None  # the leaf to deliver
    end: bool = False  # the sequencing session is over
    retry: str | None = None  # the item whose descendants start a new attempt


class Tracker:
    def __init__(self, manifest, states, objectives=None):
        """``states``: {item identifier: ScoState}; ``objectives``: the attempt's
        shared objectives {target: {"satisfied": bool, "measure": float}}."""
        self.manifest = manifest
        self.states = states
        self.objectives = objectives if objectives is not None else {}
        self.parents = {}
        self.order = []  # every item, depth first
        self._walk(manifest.root, None)
        self.leaves = [item for item in self.order if item.is_leaf and item.href]
        self._status = {}

    def _walk(self, item, parent):
        self.parents[item.identifier] = parent
        self.order.append(item)
        for child in item.children:
            self._walk(child, item)

    # Status ---------------------------------------------------------------------

    def status(self, item):
        found = self._status.get(item.identifier)
        if found is None:
            found = self._leaf(item) if item.is_leaf else self._cluster(item)
            self._status[item.identifier] = found
        return found

    def _leaf(self, item):
        state = self.states.get(item.identifier)
        attempted = state is not None and state.launches > 0
        if item.scorm_type == "asset":
            return Status(attempted, True if attempted else None)
        completed = satisfied = measure = None
        if state is not None:
            completed = {"completed": True, "incomplete": False}.get(state.completion)
            satisfied = {"passed": True, "failed": False}.get(state.success)
            measure = state.score
            # Ended by the SCO itself: one that never talked to the runtime (it
            # failed to load, the tab closed first) has reported nothing at all.
            ended = (
                state.terminated
                and not state.abandoned
                and state.commits > 0
                and state.exit not in ("suspend", "logout")
            )
            seq = item.sequencing
            if ended and completed is None and not seq.completion_set_by_content:
                completed = True
            if (
                ended
                and satisfied is None
                and self.manifest.version == "2004"
                and not seq.objective_set_by_content
            ):
                satisfied = True
        return self._objective(item, Status(attempted, completed, satisfied, measure))

    def _cluster(self, item):
        children = [(child, self.status(child)) for child in item.children]
        seq = item.sequencing
        completing = [s for c, s in children if c.sequencing.rollup_completion]
        satisfying = [s for c, s in children if c.sequencing.rollup_satisfied]
        rules = seq.rollup_rules
        completed = self._rollup(
            completing, [r for r in rules if r.action in ("completed", "incomplete")]
        )
        if completed is None and not any(
            r.action in ("completed", "incomplete") for r in rules
        ):
            completed = _default_rollup([s.completed for s in completing])
        satisfied = self._rollup(
            satisfying, [r for r in rules if r.action in ("satisfied", "notSatisfied")]
        )
        if satisfied is None and not any(
            r.action in ("satisfied", "notSatisfied") for r in rules
        ):
            satisfied = _default_rollup([s.satisfied for s in satisfying])
        weighted = [
            (c.sequencing.measure_weight, s.measure)
            for c, s in children
            if c.sequencing.measure_weight and s.measure is not None
        ]
        measure = (
            sum(weight * value for weight, value in weighted)
            / sum(weight for weight, _value in weighted)
            if weighted
            else None
        )
        status = Status(
            any(s.attempted for _c, s in children), completed, satisfied, measure
        )
        return self._objective(item, status)

    def _objective(self, item, status):
        """The primary objective: decided by the measure where the manifest says so,
        then read from the shared objectives it maps to, when not known here."""
        seq = item.sequencing
        return self._with_objective(seq, status, status.satisfied, status.measure)

    def objective(self, item, identifier):
        """The status of one objective of ``item``: the primary one (``""`` or its
        id) is the activity's; another is what the content reported under its id
        (``cmi.objectives.n``), else the shared objective it reads. Completion and
        attempts are the activity's in both."""
        seq = item.sequencing
        status = self.status(item)
        found = next(
            (o for o in seq.objectives if o.identifier == identifier),
            None,
        )
        if found is None or identifier == seq.primary_id:
            return status
        satisfied, measure = self._reported(item, identifier)
        return self._with_objective(found, status, satisfied, measure)

    def _with_objective(self, objective, status, satisfied, measure):
        """``status`` with an objective's satisfaction: by its measure when it says
        so, else from the shared objectives its maps read."""
        if objective.satisfied_by_measure and measure is not None:
            satisfied = measure >= (
                objective.min_measure if objective.min_measure is not None else 1
            )
        for mapping in objective.maps:
            shared = self.objectives.get(mapping.target) or {}
            if satisfied is None and mapping.read_satisfied:
                satisfied = shared.get("satisfied")
            if measure is None and mapping.read_measure:
                measure = shared.get("measure")
        return Status(status.attempted, status.completed, satisfied, measure)

    def _reported(self, item, identifier):
        """(satisfied, measure) the SCO set for its objective ``identifier``."""
        state = self.states.get(item.identifier)
        if state is None or self.manifest.version != "2004":
            return None, None
        cmi = state.cmi
        index = next(
            (
                key[len("cmi.objectives.") : -len(".id")]
                for key, value in cmi.items()
                if key.startswith("cmi.objectives.")
                and key.endswith(".id")
                and value == identifier
            ),
            None,
        )
        if index is None:
            return None, None
        success = cmi.get(f"cmi.objectives.{index}.success_status")
        try:
            measure = float(cmi[f"cmi.objectives.{index}.score.scaled"])
        except (KeyError, ValueError):
            measure = None
        return {"passed": True, "failed": False}.get(success), measure

    def _rollup(self, statuses, rules):
        """The first rollup rule that applies: True for satisfied/completed, False
        for notSatisfied/incomplete, None if none applies."""
        for rule in rules:
            held = [self._rollup_conditions(rule, s) for s in statuses]
            if not statuses:
                continue
            count = sum(held)
            applies = {
                "all": count == len(held),
                "any": count > 0,
                "none": count == 0,
                "atLeastCount": count >= rule.minimum_count,
                "atLeastPercent": count / len(held) >= rule.minimum_percent,
            }.get(rule.child_set, False)
            if applies:
                return rule.action in ("satisfied", "completed")
        return None

    def _rollup_conditions(self, rule, status):
        results = [
            _condition(status, name, threshold, attempts_exceeded=False) != negated
            for name, negated, threshold in rule.conditions
        ]
        if not results:
            return False
        return all(results) if rule.combination == "all" else any(results)

    def package_status(self):
        return self.status(self.manifest.root)

    def written_objectives(self):
        """The shared objectives after writing what each item's primary objective
        knows (mapInfo write), for the attempt to keep."""
        objectives = {key: dict(value) for key, value in self.objectives.items()}
        for item in self.order:
            written = [(mapping, "") for mapping in item.sequencing.maps] + [
                (mapping, objective.identifier)
                for objective in item.sequencing.objectives
                for mapping in objective.maps
            ]
            for mapping, identifier in written:
                if not (mapping.write_satisfied or mapping.write_measure):
                    continue
                status = self.objective(item, identifier)
                shared = objectives.setdefault(mapping.target, {})
                if mapping.write_satisfied and status.satisfied is not None:
                    shared["satisfied"] = status.satisfied
                if mapping.write_measure and status.measure is not None:
                    shared["measure"] = status.measure
        return {key: value for key, value in objectives.items() if value}

    # Rules ----------------------------------------------------------------------

    def _holds(self, item, rule):
        status = self.status(item)
        limit = item.sequencing.attempt_limit
        state = self.states.get(item.identifier)
        exceeded = bool(limit) and state is not None and state.launches >= limit
        results = [
            _condition(
                self.objective(item, referenced) if referenced else status,
                name,
                threshold,
                attempts_exceeded=exceeded,
            )
            != negated
            for name, negated, threshold, referenced in rule.conditions
        ]
        if not results:
            return False
        return all(results) if rule.combination == "all" else any(results)

    def _action(self, item, rules, actions):
        for rule in rules:
            if rule.action in actions and self._holds(item, rule):
                return rule.action
        return None

    def skipped(self, item):
        return any(
            self._action(each, each.sequencing.pre_rules, {"skip"})
            for each in self._lineage(item)
        )

    def disabled(self, item):
        return any(
            self._action(each, each.sequencing.pre_rules, {"disabled"})
            for each in self._lineage(item)
        )

    def hidden(self, item):
        return any(
            self._action(each, each.sequencing.pre_rules, {"hiddenFromChoice"})
            for each in self._lineage(item)
        )

    def _lineage(self, item):
        """The item and its ancestors below the root."""
        found = []
        while item is not None and item is not self.manifest.root:
            found.append(item)
            item = self.parents[item.identifier]
        return found

    def parent(self, item):
        return self.parents[item.identifier] or self.manifest.root

    # Navigation -----------------------------------------------------------------

    def find(self, identifier):
        return next((i for i in self.order if i.identifier == identifier), None)

    def first(self, within=None):
        """The first leaf a flow into ``within`` (the root by default) delivers."""
        return self._flow(self._leaves_within(within or self.manifest.root))[0]

    def _flow(self, leaves):
        """Flow over ``leaves`` in order: (leaf, False) for the one delivered, where
        skipped ones are passed over; (None, True) when a disabled one stops the
        flow (SN's Check Activity Process: flow never jumps past it); (None, False)
        when nothing is left."""
        for leaf in leaves:
            if self.skipped(leaf):
                continue
            if self.disabled(leaf):
                return None, True
            return leaf, False
        return None, False

    def _leaves_within(self, item):
        ids = set()
        stack = [item]
        while stack:
            node = stack.pop()
            ids.add(node.identifier)
            stack.extend(node.children)
        return [leaf for leaf in self.leaves if leaf.identifier in ids]

    def _after(self, item, step):
        """Flow forward (step 1) or backward (step -1) from outside ``item``'s
        subtree, in tree order: (leaf, blocked) as ``_flow``."""
        inside = {leaf.identifier for leaf in self._leaves_within(item)}
        positions = [
            i for i, leaf in enumerate(self.leaves) if leaf.identifier in inside
        ]
        if not positions:
            return None, False
        if step > 0:
            return self._flow(self.leaves[positions[-1] + 1 :])
        return self._flow(reversed(self.leaves[: positions[0]]))

    def can_flow(self, item, step):
        parent = self.parent(item)
        if not parent.sequencing.flow:
            return False
        if step < 0 and parent.sequencing.forward_only:
            return False
        return self._after(item, step)[0] is not None

    def choosable(self, item, here=None):
        """Whether the learner may choose ``item`` (in the table of contents) while
        ``here`` is being played."""
        parent = self.parent(item)
        return (
            item is not self.manifest.root
            and parent.sequencing.choice
            and item.visible
            and not self.hidden(item)
            and not self.disabled(item)
            and (not item.is_leaf or bool(item.href))
            and (here is None or self._choice_from(here, item))
        )

    def _choice_from(self, here, target):
        """choiceExit and forwardOnly: an activity being played whose choiceExit is
        false keeps the choice inside it; a forward-only cluster refuses a choice
        that goes back among its descendants."""
        for active in self._lineage(here):
            if not active.sequencing.choice_exit and not self._contains(active, target):
                return False
        common = self.manifest.root
        for ancestor in self._lineage(here):
            if self._contains(ancestor, target):
                common = ancestor
                break
        backwards = self.order.index(target) < self.order.index(here)
        return not (backwards and common.sequencing.forward_only)

    def _contains(self, ancestor, item):
        while item is not None:
            if item is ancestor:
                return True
            item = self.parents[item.identifier]
        return False

    def navigate(self, request, current=None, target=None, suspended=False):
        """The ``Decision`` for a navigation request made while ``current`` (an
        item identifier) was delivered. Raises ``NavigationRefused``."""
        here = self.find(current) if current else None
        if request in ("start", "resumeAll"):
            if here is not None and (suspended or request == "resumeAll"):
                return Decision(launch=here.identifier)
            leaf, blocked = self._flow(self.leaves)
            if leaf is None:  # blocked: the learner chooses; else all skipped
                return Decision(end=not blocked)
            return Decision(launch=leaf.identifier)
        if request in ("exitAll", "abandonAll", "suspendAll"):
            return Decision(end=True)
        if request == "choice":
            chosen = self.find(target) if target else None
            if chosen is None or not self.choosable(chosen, here):
                raise NavigationRefused(target)
            leaf = chosen if chosen.is_leaf else self.first(chosen)
            if leaf is None:
                raise NavigationRefused(target)
            return Decision(launch=leaf.identifier)
        if here is None:
            raise NavigationRefused(request)
        if request in ("continue", "previous", "exit", "abandon"):
            return self._leave(here, request)
        raise NavigationRefused(request)

    def _leave(self, here, request):
        """Leave ``here``: the exit-condition rules of its ancestors (the highest
        that holds is exited with all below it), then the post-condition rules of
        what was exited (exitParent going up), then the request."""
        item = here
        for ancestor in reversed(self._lineage(self.parents[here.identifier])):
            if self._action(ancestor, ancestor.sequencing.exit_rules, {"exit"}):
                item = ancestor
                break
        action = None
        while item is not None:
            action = self._action(
                item,
                item.sequencing.post_rules,
                {"exitParent", "exitAll", "retry", "retryAll", "continue", "previous"},
            )
            if action != "exitParent":
                break
            item = self.parents[item.identifier]
        if item is None or action == "exitAll":
            return Decision(end=True)
        if action in ("retry", "retryAll"):
            scope = item if action == "retry" else self.manifest.root
            fresh = Tracker(
                self.manifest,
                {
                    key: state
                    for key, state in self.states.items()
                    if key
                    not in {leaf.identifier for leaf in self._leaves_within(scope)}
                },
                self.objectives,
            )
            leaf = fresh.first(fresh.find(scope.identifier))
            if leaf is None:
                return Decision(end=True)
            return Decision(launch=leaf.identifier, retry=scope.identifier)
        request = action or request
        if request in ("exit", "abandon"):
            return Decision()  # the learner chooses what comes next
        step = 1 if request == "continue" else -1
        parent = self.parent(item)
        if not parent.sequencing.flow or (step < 0 and parent.sequencing.forward_only):
            raise NavigationRefused(request)
        leaf, blocked = self._after(item, step)
        if leaf is None:
            if step > 0 and not blocked:
                return Decision(end=True)  # past the last item
            raise NavigationRefused(request)
        return Decision(launch=leaf.identifier)


def _default_rollup(values):
    """All known and true: True; all known and one false: False; else unknown."""
    if not values or any(value is None for value in values):
        return None if not values or not any(v is False for v in values) else False
    return all(values)


def _condition(status, name, threshold, *, attempts_exceeded):
    measure = status.measure
    return {
        "satisfied": status.satisfied is True,
        "objectiveStatusKnown": status.satisfied is not None,
        "objectiveMeasureKnown": measure is not None,
        "objectiveMeasureGreaterThan": measure is not None
        and threshold is not None
        and measure > threshold,
        "objectiveMeasureLessThan": measure is not None
        and threshold is not None
        and measure < threshold,
        "completed": status.completed is True,
        "activityProgressKnown": status.completed is not None,
        "attempted": status.attempted,
        "attemptLimitExceeded": attempts_exceeded,
        "always": True,
    }.get(name, False)
