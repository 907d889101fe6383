"""Attempts: starting one, keeping a SCO's commits, moving between SCOs, and the
result the core records (completed, passed or failed, with the scaled score).

Every write to an attempt takes the attempt's row first (then the SCO's), in one
order, so commits and navigation of one attempt queue up instead of overwriting
each other.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from courses.statements import Authority, InvalidStatement, record_statement
from relais_scorm import runtime
from relais_scorm.launch import PREVIEW
from relais_scorm.models import GlobalObjective, ScormAttempt, ScoState
from relais_scorm.sequencing import NavigationRefused, Tracker

logger = logging.getLogger("lms")


def latest(user_id, activity, organisation_id):
    """The learner's latest attempt at the activity in the organisation.

    An attempt belongs to the organisation the lesson was shown in (the learner's),
    whoever owns the package: a federation's shared lesson played by a person of
    two member organisations has its attempts, and its results, in each."""
    return ScormAttempt.objects.filter(
        user_id=user_id, activity=activity, organisation_id=organisation_id
    ).first()


def _last_number(user_id, activity):
    # Numbers are unique per learner and activity, whatever the organisation.
    return (
        ScormAttempt.objects.filter(user_id=user_id, activity=activity).aggregate(
            Max("number")
        )["number__max"]
        or 0
    )


def current(launch, package):
    """The learner's latest attempt at the activity, the first one if none."""
    attempt = latest(launch.user_id, launch.activity, launch.organisation_id)
    if attempt is not None:
        return attempt
    try:
        with transaction.atomic():
            return ScormAttempt.objects.create(
                organisation_id=launch.organisation_id,
                package=package,
                user_id=launch.user_id,
                activity=launch.activity,
                number=_last_number(launch.user_id, launch.activity) + 1,
            )
    except IntegrityError:  # a second tab created it at the same moment
        return latest(launch.user_id, launch.activity, launch.organisation_id)


def start_new(*, organisation, user, package, activity, allowed):
    """A new attempt after a finished one, within ``allowed`` (0: no limit) in the
    organisation. Returns it, or None when it is not allowed (nothing changes)."""
    with transaction.atomic():
        last = _last_number(user.pk, activity)
        previous = latest(user.pk, activity, organisation.pk)
        if previous is not None and not previous.finished:
            return None
        taken = ScormAttempt.objects.filter(
            user=user, activity=activity, organisation=organisation
        ).count()
        if allowed and taken >= allowed:
            return None
        try:
            with transaction.atomic():
                attempt = ScormAttempt.objects.create(
                    organisation=organisation,
                    package=package,
                    user=user,
                    activity=activity,
                    number=last + 1,
                    # Shared objectives start afresh: those global to the system
                    # are the learner's ``GlobalObjective`` rows, read by each.
                    objectives={},
                )
        except IntegrityError:  # a double click: the other one made it
            return None
    return attempt


def tracker(attempt, manifest):
    states = {state.item: state for state in attempt.scos.all()}
    return Tracker(manifest, states, shared_objectives(attempt, manifest))


def _global(attempt, manifest):
    """Whether the attempt's shared objectives are the learner's, beyond it: as
    the package says, and never for a trainer's preview (started over at will)."""
    return manifest.objectives_global and not attempt.activity.startswith(PREVIEW)


def shared_objectives(attempt, manifest):
    """The shared objectives the attempt reads: its own, and those the learner
    holds in the organisation where they are global (these win: they are the
    latest any package wrote)."""
    objectives = dict(attempt.objectives)
    targets = manifest.targets()
    if targets and _global(attempt, manifest):
        for row in GlobalObjective.objects.filter(
            organisation_id=attempt.organisation_id,
            user_id=attempt.user_id,
            objective__in=targets,
        ):
            objectives[row.objective] = row.as_shared()
    return objectives


def _keep_global(attempt, manifest, before, after):
    """Write the shared objectives that changed to the learner's rows."""
    if not _global(attempt, manifest):
        return
    changed = [
        GlobalObjective(
            organisation_id=attempt.organisation_id,
            user_id=attempt.user_id,
            objective=target,
            satisfied=values.get("satisfied"),
            measure=values.get("measure"),
        )
        for target, values in after.items()
        if before.get(target) != values
    ]
    if changed:
        GlobalObjective.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["organisation", "user", "objective"],
            update_fields=["satisfied", "measure", "updated_at"],
        )


def _lock(attempt_id):
    """First write of the transaction: the attempt's row, locked until commit."""
    ScormAttempt.objects.filter(pk=attempt_id).update(updated_at=timezone.now())
    return ScormAttempt.objects.select_related("package").get(pk=attempt_id)


def commit(attempt_id, item, data, user):
    """Keep a SCO's commit (``data`` as the runtime sent it). Returns
    (attempt, newly finished). Raises ``runtime.InvalidCommit``."""
    parsed = runtime.Commit.from_json(data)
    with transaction.atomic():
        attempt = _lock(attempt_id)
        manifest = attempt.package.parsed()
        leaf = manifest.find(item)
        if leaf is None or not leaf.href:
            raise runtime.InvalidCommit("No such item in this package.")
        state = runtime.state_for(attempt, item)
        runtime.merge(state.pk, parsed, version=manifest.version, item=leaf)
        finished = _roll_up(attempt, manifest, user)
    return attempt, finished


def navigate(attempt_id, request, *, user, target=None, data=None):
    """Keep what the SCO being left reported (``data``, a commit), then decide what
    comes next. Returns (attempt, decision, launch values or None, whether the
    activity was just completed); the decision is None when the request is not
    allowed from here (what the SCO reported is kept all the same)."""
    parsed = runtime.Commit.from_json(data) if data else None
    with transaction.atomic():
        attempt = _lock(attempt_id)
        manifest = attempt.package.parsed()
        here = manifest.find(attempt.current) if attempt.current else None
        if here is not None and here.href:
            state = runtime.state_for(attempt, here.identifier)
            if parsed is not None:
                state = runtime.merge(
                    state.pk, parsed, version=manifest.version, item=here
                )
            # Leaving an item ends its session; one the SCO did not end itself
            # was abandoned, and is resumed next time.
            ScoState.objects.filter(pk=state.pk).update(
                terminated=True, abandoned=not state.terminated
            )
        finished = _roll_up(attempt, manifest, user)
        try:
            decision = tracker(attempt, manifest).navigate(
                request,
                attempt.current or None,
                target=target,
                suspended=attempt.suspended,
            )
        except NavigationRefused:
            return attempt, None, None, finished  # what the SCO said is kept
        if decision.retry:
            scope = manifest.find(decision.retry)
            below = {leaf.identifier for leaf in _leaves(scope)}
            attempt.scos.filter(item__in=below).delete()  # a new attempt on them
        values = None
        if decision.launch:
            values = _deliver(attempt, manifest, decision.launch, user)
        attempt.suspended = request == "suspendAll"
        attempt.ended = decision.end
        if decision.end and request != "suspendAll":
            attempt.current = ""
        attempt.save(update_fields=["current", "suspended", "ended"])
        finished = _roll_up(attempt, manifest, user) or finished
    return attempt, decision, values, finished


def _deliver(attempt, manifest, identifier, user):
    """Launch values for an item, counted as one more launch."""
    item = manifest.find(identifier)
    state = runtime.state_for(attempt, identifier)
    values = runtime.launch_values(state, item, manifest.version, user)
    # What the LMS decided when the last session ended (a SCO that reported
    # nothing is completed) stays decided once a new session starts.
    kept = {}
    if state.terminated and not state.abandoned and state.commits:
        decided = tracker(attempt, manifest).status(item)
        if state.completion == "unknown" and decided.completed is True:
            kept["completion"] = "completed"
        if state.success == "unknown" and decided.satisfied is True:
            kept["success"] = "passed"
    ScoState.objects.filter(pk=state.pk).update(
        launches=F("launches") + 1, terminated=False, abandoned=False, **kept
    )
    attempt.current = identifier
    return values


def _leaves(item):
    stack, found = [item], []
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def _roll_up(attempt, manifest, user):
    """The package's status by its rule, kept on the attempt, and its result
    recorded in the core. Returns True when this call completed the activity.

    Passed and failed are recorded as soon as the package says so; "completed"
    without a pass or fail waits until no SCO is running, since SCORM 1.2 packages
    often say "completed" on their last page and "passed" or "failed" just after.
    """
    track = tracker(attempt, manifest)
    status = track.package_status()
    attempt.objectives = track.written_objectives()
    _keep_global(attempt, manifest, track.objectives, attempt.objectives)
    attempt.completion = {True: "completed", False: "incomplete"}.get(
        status.completed, "unknown"
    )
    attempt.success = {True: "passed", False: "failed"}.get(status.satisfied, "unknown")
    if attempt.success == "failed" and status.completed is not True:
        attempt.success = "unknown"  # not failed before every part is done
    attempt.score = status.measure
    attempt.total_seconds = sum(
        state.total_seconds + state.session_seconds for state in track.states.values()
    )
    if attempt.finished and attempt.finished_at is None:
        attempt.finished_at = timezone.now()
    attempt.save(
        update_fields=[
            "objectives",
            "completion",
            "success",
            "score",
            "total_seconds",
            "finished_at",
        ]
    )
    settled = not any(
        state.launches and not state.terminated for state in track.states.values()
    )
    if attempt.success != "unknown":
        verb = attempt.success
    elif attempt.completion == "completed" and (settled or attempt.ended):
        verb = "completed"
    else:
        return False
    return _record(attempt, user, verb) and verb != "failed"


def _record(attempt, user, verb):
    """One statement per attempt and verb (its id says which): True if new."""
    if not attempt.activity.startswith("urn:relais:activity:"):
        return False  # a trainer's preview: nothing to record
    result = {"completion": attempt.completion == "completed"}
    if attempt.success != "unknown":
        result["success"] = attempt.success == "passed"
    if attempt.score is not None:
        result["score"] = {"scaled": round(attempt.score, 4)}
    try:
        _statement, created = record_statement(
            actor=user,
            organisation=attempt.organisation,
            verb=verb,
            object_id=attempt.activity,
            result=result,
            context={
                "extensions": {"https://relais.example/scorm/attempt": attempt.pk}
            },
            # A key, not the stored id: the core keys it with the server's secret,
            # so nobody can post the id first (attempt numbers are guessable).
            statement_id=f"relais:scorm:{attempt.pk}:{verb}",
            # Decided by the LMS from the runtime's data, reached through the
            # signed launch token.
            authority=Authority.PLATFORM,
        )
    except InvalidStatement as error:
        # The lesson changed under the learner (block removed, course left): the
        # attempt keeps its result; the lesson cannot take it.
        logger.warning("SCORM attempt %s not recorded: %s", attempt.pk, error)
        return False
    return created
