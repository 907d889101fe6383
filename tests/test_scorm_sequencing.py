"""SCORM 2004 sequencing through the runtime's navigation endpoint: flow, choice,
pre- and post-condition rules, shared objectives and rollup, with Rustici's real
Simple Remediation package where ../shared holds it and kit packages otherwise."""

from pathlib import Path

import pytest

from relais_scorm.models import ScormAttempt
from tests import h5p_packages, scorm_kit
from tests.test_scorm import FLOW, _lesson_with, navigate, play, upload

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
        self.client, self.config, self.sequence = client, play(client, launch), 0

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
