"""SCORM 2004 sequencing through the runtime's navigation endpoint: flow, choice,
pre- and post-condition rules, shared objectives and rollup, with Rustici's real
Simple Remediation package where ../shared holds it and kit packages otherwise."""

from pathlib import Path

import pytest

from relais_scorm.models import GlobalObjective, ScormAttempt
from tests import h5p_packages, scorm_kit
from tests.test_scorm import FLOW, _lesson_with, commit, navigate, play, upload

SHARED = h5p_packages.shared_folder("scorm") or Path("/nonexistent")
REMEDIATION = SHARED / "golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip"
PASSED = {"cmi.completion_status": "completed", "cmi.success_status": "passed"}
FAILED = {"cmi.completion_status": "completed", "cmi.success_status": "failed"}


def launched(reply):
    assert reply.status_code == 200, reply.content[:300]
    return reply.json().get("launch", {}).get("item")


class Learner:
    """A learner's player: each step ends the SCO on screen with what it reports."""

    def __init__(self, client, launch):
        self.client, self.launch, self.sequence = client, launch, 0
        self.config = play(client, launch)

    def go(self, request, values=None, target=None):
        self.sequence += 1
        data = {
            "session": "s",
            "sequence": self.sequence,
            "values": values or {},
            "terminated": True,
        }
        return navigate(self.client, self.config, request, commit=data, target=target)


@pytest.fixture
def learner_of(client, org_a, enable_plugin):
    enable_plugin(org_a, "scorm")

    def make(data):
        package = upload(org_a, data)
        assert package.status == "ready", package.error
        _user, _lesson, _package, launch = _lesson_with(org_a, package)
        return Learner(client, launch)

    return make


@pytest.mark.skipif(not REMEDIATION.exists(), reason="no shared SCORM packages")
def test_simple_remediation_sends_the_learner_back_to_what_was_failed(learner_of):
    """Four lessons, then four quizzes; a failed quiz sends the learner back to its
    lesson and quiz only (the others' shared objectives are satisfied: skipped)."""
    learner = learner_of(REMEDIATION.read_bytes())
    steps = [launched(learner.go("start"))]
    for result in ({}, {}, {}, {}, PASSED, FAILED, PASSED):
        steps.append(launched(learner.go("continue", result)))
    assert steps == [
        "playing_item",
        "etuqiette_item",
        "handicapping_item",
        "havingfun_item",
        "test_1",
        "test_2",
        "test_3",
        "test_4",
    ]
    # The last quiz exits the wrapper, whose rule retries it: not all satisfied.
    assert launched(learner.go("continue", PASSED)) == "etuqiette_item"
    attempt = ScormAttempt.objects.get()
    assert attempt.success == "unknown"  # no verdict while remediation goes on
    assert launched(learner.go("continue")) == "test_2"
    final = learner.go("continue", PASSED).json()
    assert final["end"] is True and final["completed"] is True
    assert final["outline"]["status"] == "passed"
    attempt.refresh_from_db()
    assert (attempt.success, attempt.ended) == ("passed", True)
    # The shared objectives were written by the quizzes.
    assert (
        attempt.objectives[
            "com.scorm.golfsamples.sequencing.simpleremediation.20043rd.etiquette_satisfied"
        ]["satisfied"]
        is True
    )


CHOICE_ONLY = (
    '<imsss:sequencing><imsss:controlMode choice="true" flow="false"/>'
    "</imsss:sequencing>"
)


def test_without_flow_the_learner_chooses_in_the_table_of_contents(learner_of):
    learner = learner_of(scorm_kit.scorm2004(scos=3, sequencing=CHOICE_ONLY))
    reply = learner.go("start").json()
    assert reply["launch"]["item"] == "sco1"  # the first part, to begin with
    assert reply["outline"]["continue"] is False
    refused = learner.go("continue", PASSED)
    assert refused.status_code == 409 and refused.json()["refused"] is True
    # What the SCO reported with the refused request is kept all the same.
    assert refused.json()["outline"]["items"][0]["status"] == "passed"
    assert launched(learner.go("choice", target="sco3")) == "sco3"
    assert learner.go("choice", target="nothing").status_code == 409


def test_flow_moves_forward_and_back_and_rolls_up_every_part(learner_of):
    learner = learner_of(scorm_kit.scorm2004(scos=3, sequencing=FLOW))
    assert launched(learner.go("start")) == "sco1"
    assert launched(learner.go("continue", PASSED)) == "sco2"
    # The learner goes back in the middle of sco2: suspended, not ended.
    left = {"cmi.completion_status": "incomplete", "cmi.exit": "suspend"}
    assert launched(learner.go("previous", left)) == "sco1"
    assert launched(learner.go("choice", {}, target="sco3")) == "sco3"
    reply = learner.go("continue", PASSED).json()
    assert reply["completed"] is False  # sco2 is left half done
    assert reply["outline"]["status"] != "passed"
    reply = learner.go("choice", target="sco2").json()
    assert reply["launch"]["values"]["cmi.entry"] == "resume"
    reply = learner.go("exitAll", PASSED).json()
    assert reply["completed"] is True and reply["outline"]["status"] == "passed"


def test_a_rollup_rule_decides_the_package_status(learner_of):
    """The manifest says: satisfied when any part is satisfied."""
    any_satisfied = (
        '<imsss:sequencing><imsss:controlMode choice="true" flow="true"/>'
        '<imsss:rollupRules><imsss:rollupRule childActivitySet="any">'
        '<imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/>'
        '</imsss:rollupConditions><imsss:rollupAction action="satisfied"/>'
        "</imsss:rollupRule></imsss:rollupRules></imsss:sequencing>"
    )
    learner = learner_of(scorm_kit.scorm2004(scos=3, sequencing=any_satisfied))
    learner.go("start")
    reply = learner.go("continue", PASSED).json()
    assert reply["outline"]["status"] == "passed"
    assert reply["completed"] is True


def test_a_pre_condition_skips_a_part_already_satisfied(learner_of):
    skip = (
        "<imsss:sequencing><imsss:sequencingRules><imsss:preConditionRule>"
        '<imsss:ruleConditions><imsss:ruleCondition condition="satisfied"/>'
        '</imsss:ruleConditions><imsss:ruleAction action="skip"/>'
        "</imsss:preConditionRule></imsss:sequencingRules>"
        '<imsss:objectives><imsss:primaryObjective objectiveID="p">'
        '<imsss:mapInfo targetObjectiveID="shared.p" readSatisfiedStatus="true" '
        'writeSatisfiedStatus="false"/></imsss:primaryObjective></imsss:objectives>'
        "</imsss:sequencing>"
    )
    writes = (
        "<imsss:sequencing><imsss:objectives><imsss:primaryObjective "
        'objectiveID="p"><imsss:mapInfo targetObjectiveID="shared.p" '
        'writeSatisfiedStatus="true"/></imsss:primaryObjective></imsss:objectives>'
        "</imsss:sequencing>"
    )
    learner = learner_of(
        scorm_kit.scorm2004(
            scos=3, sequencing=FLOW, item_sequencing={1: writes, 2: skip}
        )
    )
    learner.go("start")
    # sco1 writes the shared objective; sco2 reads it, is satisfied: skipped.
    assert launched(learner.go("continue", PASSED)) == "sco3"


def test_a_part_the_lms_completed_stays_completed_when_opened_again(learner_of):
    """A SCO that reports nothing is completed by the LMS when it ends; opening it
    again does not undo that (the package stays complete)."""
    learner = learner_of(scorm_kit.scorm2004(scos=2, sequencing=FLOW))
    learner.go("start")
    learner.go("continue", {})  # sco1 ends, reporting nothing
    reply = learner.go("choice", {}, target="sco1").json()  # sco2 too
    assert reply["outline"]["status"] == "passed"
    assert reply["completed"] is True
    reply = learner.go("continue", {"cmi.location": "2"}).json()  # sco1 again
    assert [i["status"] for i in reply["outline"]["items"]] == ["passed", "passed"]
    assert ScormAttempt.objects.get().completion == "completed"


# The forced-sequential course and its shared (global) objectives ------------------

kit = scorm_kit


def test_a_forced_sequential_course_opens_the_next_part_once_its_objective_is_met(
    learner_of,
):
    """Part 2's pre-condition reads its objective ``previous_part``, mapped to the
    shared objective part 1 writes: disabled until then, delivered by Next after."""
    learner = learner_of(kit.forced_sequential(scos=3))
    reply = learner.go("start").json()
    assert reply["launch"]["item"] == "sco1"
    assert reply["outline"]["continue"] is False  # part 2 is disabled for now
    assert launched(learner.go("continue", PASSED)) == "sco2"
    assert launched(learner.go("continue", PASSED)) == "sco3"
    final = learner.go("continue", PASSED).json()
    assert final["end"] is True and final["outline"]["status"] == "passed"


def test_next_is_offered_as_soon_as_the_part_reports_its_objective(learner_of):
    learner = learner_of(kit.forced_sequential(scos=2))
    learner.go("start")
    reply = commit(learner.client, learner.config, "sco1", PASSED).json()
    assert reply["outline"]["continue"] is True
    assert reply["outline"]["items"][0]["status"] == "passed"


def test_flow_stops_at_a_disabled_part_instead_of_jumping_past_it(learner_of):
    """SN's flow: a disabled activity ends the traversal (nothing is delivered); it
    is never passed over to a later enabled part."""
    disabled = kit.seq(kit.rules("pre", "disabled", kit.condition("always")))
    learner = learner_of(
        kit.scorm2004(scos=3, sequencing=FLOW, item_sequencing={2: disabled})
    )
    assert learner.go("start").json()["outline"]["continue"] is False
    refused = learner.go("continue", PASSED)
    assert refused.status_code == 409
    assert [i["choosable"] for i in refused.json()["outline"]["items"]] == [
        True,
        False,
        True,
    ]


def test_a_skipped_part_is_passed_over_by_the_flow(learner_of):
    skipped = kit.seq(kit.rules("pre", "skip", kit.condition("always")))
    learner = learner_of(
        kit.scorm2004(scos=3, sequencing=FLOW, item_sequencing={2: skipped})
    )
    learner.go("start")
    assert launched(learner.go("continue", PASSED)) == "sco3"


def test_a_part_hidden_from_choice_is_reached_by_flow_only(learner_of):
    hidden = kit.seq(kit.rules("pre", "hiddenFromChoice", kit.condition("always")))
    learner = learner_of(
        kit.scorm2004(scos=2, sequencing=FLOW, item_sequencing={2: hidden})
    )
    reply = learner.go("start").json()
    assert [i["choosable"] for i in reply["outline"]["items"]] == [True, False]
    assert learner.go("choice", target="sco2").status_code == 409
    assert launched(learner.go("continue", PASSED)) == "sco2"


def _new_attempt(learner):
    from relais_scorm import attempts

    attempt = ScormAttempt.objects.get()
    assert attempt.finished
    fresh = attempts.start_new(
        organisation=attempt.organisation,
        user=attempt.user,
        package=attempt.package,
        activity=attempt.activity,
        allowed=0,
    )
    assert fresh is not None
    learner.config = play(learner.client, learner.launch)
    return fresh


def test_a_rule_reads_an_objective_the_sco_reports_in_cmi_objectives(learner_of):
    """Part 1 is retried until its own objective ``practice`` (reported by the SCO
    in cmi.objectives, not its primary one) is passed; that objective is written
    to the shared objective it maps to."""
    practice = kit.seq(
        kit.rules(
            "post",
            "retry",
            kit.condition("satisfied", negated=True, objective="practice"),
        ),
        kit.objectives("", ("practice", kit.map_info("kit.practice", write=True))),
    )
    learner = learner_of(
        kit.scorm2004(scos=2, sequencing=FLOW, item_sequencing={1: practice})
    )
    learner.go("start")
    report = {"cmi.objectives.0.id": "practice", **PASSED}
    failed = {**report, "cmi.objectives.0.success_status": "failed"}
    assert launched(learner.go("continue", failed)) == "sco1"
    passed = {**report, "cmi.objectives.0.success_status": "passed"}
    assert launched(learner.go("continue", passed)) == "sco2"
    assert GlobalObjective.objects.get(objective="kit.practice").satisfied is True


def test_shared_objectives_stay_the_learners_in_a_new_attempt(learner_of):
    """objectivesGlobalToSystem (true by default): part 1's objective, met in the
    first attempt, still opens part 2 in the next."""
    learner = learner_of(kit.forced_sequential(scos=2))
    learner.go("start")
    learner.go("continue", PASSED)
    learner.go("continue", PASSED)
    kept = GlobalObjective.objects.get(objective="kit.part1")
    assert (kept.satisfied, kept.user, kept.organisation) == (
        True,
        ScormAttempt.objects.get().user,
        ScormAttempt.objects.get().organisation,
    )
    _new_attempt(learner)
    reply = learner.go("start").json()
    assert reply["launch"]["item"] == "sco1"
    assert reply["outline"]["continue"] is True


def test_objectives_not_global_to_system_start_afresh_with_each_attempt(learner_of):
    learner = learner_of(kit.forced_sequential(scos=2, global_to_system=False))
    learner.go("start")
    learner.go("continue", PASSED)
    learner.go("continue", PASSED)
    assert not GlobalObjective.objects.exists()
    _new_attempt(learner)
    assert learner.go("start").json()["outline"]["continue"] is False


def test_shared_objectives_are_never_read_in_another_organisation(
    learner_of, org_b, enable_plugin
):
    learner = learner_of(kit.forced_sequential(scos=2))
    learner.go("start")
    learner.go("continue", PASSED)
    attempt = ScormAttempt.objects.get()
    enable_plugin(org_b, "scorm")
    elsewhere = ScormAttempt.objects.create(
        organisation=org_b,
        package=attempt.package,
        user=attempt.user,
        activity="urn:relais:activity:0:elsewhere",
        number=2,
    )
    from relais_scorm.attempts import shared_objectives

    here = shared_objectives(attempt, attempt.package.parsed())
    assert here["kit.part1"] == {"satisfied": True}
    assert shared_objectives(elsewhere, attempt.package.parsed()) == {}


# Post-condition and exit rules ---------------------------------------------------


def test_a_post_condition_continues_when_the_part_ends_by_itself(learner_of):
    onwards = kit.seq(kit.rules("post", "continue", kit.condition("completed")))
    learner = learner_of(
        kit.scorm2004(scos=2, sequencing=FLOW, item_sequencing={1: onwards})
    )
    learner.go("start")
    # The SCO terminates without a navigation request: the player sends exit.
    assert launched(learner.go("exit", PASSED)) == "sco2"


def test_a_post_condition_retries_a_failed_part_from_scratch(learner_of):
    again = kit.seq(
        kit.rules("post", "retry", kit.condition("satisfied", negated=True))
    )
    learner = learner_of(
        kit.scorm2004(scos=2, sequencing=FLOW, item_sequencing={1: again})
    )
    learner.go("start")
    reply = learner.go("continue", FAILED).json()
    assert reply["launch"]["item"] == "sco1"
    assert reply["launch"]["values"]["cmi.entry"] == "ab-initio"
    assert launched(learner.go("continue", PASSED)) == "sco2"


ANY_SATISFIED = (
    '<imsss:rollupRules><imsss:rollupRule childActivitySet="any">'
    '<imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/>'
    '</imsss:rollupConditions><imsss:rollupAction action="satisfied"/>'
    "</imsss:rollupRule></imsss:rollupRules>"
)


def leaf(n, sequencing=""):
    return (
        f'<item identifier="sco{n}" identifierref="r{n}"><title>Partie {n}</title>'
        f"{sequencing}</item>"
    )


def cluster(*children, sequencing=""):
    inside = "".join(children) + sequencing
    return f'<item identifier="module"><title>Module</title>{inside}</item>'


def test_an_exit_rule_of_a_cluster_leaves_it_for_what_follows(learner_of):
    """The module's exit rule holds once it is satisfied (any part satisfied): Next
    from its first part leaves the whole module, its second part unplayed."""
    module = cluster(
        leaf(1),
        leaf(2),
        sequencing=kit.seq(
            kit.control(flow=True),
            kit.rules("exit", "exit", kit.condition("satisfied")),
            ANY_SATISFIED,
        ),
    )
    learner = learner_of(kit.scorm2004(scos=3, sequencing=FLOW, items=module + leaf(3)))
    learner.go("start")
    assert launched(learner.go("continue", PASSED)) == "sco3"


# Rollup -------------------------------------------------------------------------


def test_measure_weights_decide_the_score_and_the_verdict_of_the_package(
    learner_of,
):
    """Part 1 weighs 3, part 2 weighs 1; the package is passed from 0.6."""
    weight = '<imsss:rollupRules objectiveMeasureWeight="{}"/>'
    learner = learner_of(
        kit.scorm2004(
            scos=2,
            sequencing=kit.seq(kit.control(flow=True), kit.objectives(by_measure=0.6)),
            item_sequencing={
                1: kit.seq(weight.format(3)),
                2: kit.seq(weight.format(1)),
            },
        )
    )
    learner.go("start")
    learner.go(
        "continue", {"cmi.completion_status": "completed", "cmi.score.scaled": "0.4"}
    )
    reply = learner.go(
        "exitAll", {"cmi.completion_status": "completed", "cmi.score.scaled": "1"}
    ).json()
    attempt = ScormAttempt.objects.get()
    assert attempt.score == pytest.approx((0.4 * 3 + 1 * 1) / 4)
    assert reply["outline"]["status"] == "failed"


def test_a_part_outside_the_completion_rollup_does_not_hold_the_package_back(
    learner_of,
):
    optional = kit.seq(
        '<imsss:rollupRules rollupProgressCompletion="false" '
        'rollupObjectiveSatisfied="false"/>'
    )
    learner = learner_of(
        kit.scorm2004(scos=2, sequencing=FLOW, item_sequencing={2: optional})
    )
    learner.go("start")
    reply = learner.go("exitAll", PASSED).json()
    assert reply["completed"] is True
    assert [i["status"] for i in reply["outline"]["items"]] == [
        "passed",
        "not attempted",
    ]


# Control modes ------------------------------------------------------------------


def test_forward_only_refuses_previous_and_a_choice_back(learner_of):
    learner = learner_of(
        kit.scorm2004(
            scos=2,
            sequencing=kit.seq(kit.control(choice=True, flow=True, forward_only=True)),
        )
    )
    learner.go("start")
    reply = learner.go("continue", PASSED).json()
    assert reply["launch"]["item"] == "sco2"
    assert reply["outline"]["previous"] is False
    assert reply["outline"]["items"][0]["choosable"] is False
    assert learner.go("previous").status_code == 409
    assert learner.go("choice", target="sco1").status_code == 409


def test_choice_exit_false_keeps_the_choice_inside_the_module(learner_of):
    module = cluster(
        leaf(1),
        leaf(2),
        sequencing=kit.seq(kit.control(choice=True, flow=True, choice_exit=False)),
    )
    learner = learner_of(kit.scorm2004(scos=3, sequencing=FLOW, items=module + leaf(3)))
    reply = learner.go("start").json()
    choosable = {i["id"]: i["choosable"] for i in reply["outline"]["items"]}
    assert choosable == {"module": True, "sco1": True, "sco2": True, "sco3": False}
    assert learner.go("choice", target="sco3").status_code == 409
    assert launched(learner.go("choice", target="sco2")) == "sco2"


def test_4th_edition_completion_maps_are_not_read_as_sequencing_objectives():
    """adlseq:objectives (4th edition: completion shared through maps) share the
    local names of imsss's; only imsss's objectives are the sequencing ones."""
    import io
    import zipfile

    from relais_scorm import manifest

    archive = zipfile.ZipFile(io.BytesIO(kit.forced_sequential(scos=2)))
    completion = (
        '<adlseq:objectives><adlseq:objective objectiveID="previous_part">'
        '<adlseq:mapInfo targetObjectiveID="kit.elsewhere" '
        'readCompletionStatus="true"/></adlseq:objective></adlseq:objectives>'
    )
    document = archive.read("imsmanifest.xml").replace(
        b"<imsss:deliveryControls", completion.encode() + b"<imsss:deliveryControls"
    )
    parsed = manifest.parse(document, set(archive.namelist()))
    assert [
        [m.target for m in o.maps] for o in parsed.find("sco2").sequencing.objectives
    ] == [["kit.part1"]]
    assert parsed.targets() == {"kit.part1", "kit.part2"}
