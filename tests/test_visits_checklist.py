"""The checklist rules: answers are checked; rules fire from the answers that call for them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.visits import checklist
from app.visits.store import DEFAULT_FILE

CONTENT = {"sections": json.loads(DEFAULT_FILE.read_text())["sections"]}
TODAY = date(2026, 3, 1)
RULED = [q for _, q in checklist.questions(CONTENT) if q.get("referral") or q.get("followup")]


def possible_answers(q):
    if q["kind"] == "number":
        return list(range(int(q["min"]), int(q["max"]) + 1))
    if q["kind"] == "multi":
        return [[o] for o in checklist.options_of(q)]
    return checklist.options_of(q)


def test_the_default_template_covers_the_sections_the_visits_promise():
    titles = [s["title"] for s in CONTENT["sections"]]
    assert titles == [
        "Home security", "Vehicle security", "Safety in the home", "Fire safety", "Child safety",
        "Health and wellbeing", "Loneliness", "Anxiety and low mood", "Anti-social behaviour",
        "Money and food", "Consent",
    ]  # fmt: skip
    keys = [q["key"] for _, q in checklist.questions(CONTENT)]
    assert len(keys) == len(set(keys))
    assert {"fire", "food bank"} <= {q["referral"]["kind"] for q in RULED if q.get("referral")}


def asking(q) -> dict:
    """The earlier answer a question with an `ask_if` rule waits on (nothing for others)."""
    rule = q.get("ask_if")
    if not rule:
        return {}
    when = rule["when"][0]
    return {rule["question"]: int(when.lstrip("<>=")) if when[0] in "<>=" else when}


@pytest.mark.parametrize("question", RULED, ids=lambda q: q["key"])
def test_rules_fire_from_the_answers_that_call_for_them_and_from_no_others(question):
    for value in possible_answers(question):
        answers = {**asking(question), question["key"]: value}
        key = question["key"]
        referrals = [r for r in checklist.referrals_for(CONTENT, answers) if r.question == key]
        followups = [
            f for f in checklist.followups_for(CONTENT, answers, TODAY) if f.question == key
        ]
        alone = {k: v for k, v in answers.items() if k != key}
        others = len(checklist.referrals_for(CONTENT, alone))
        assert len(checklist.referrals_for(CONTENT, answers)) - others == len(referrals)
        calls = checklist.fires(question, value)
        chosen = value if isinstance(value, list) else [value]
        if question["kind"] != "number":
            assert calls == any(c in question["when"] for c in chosen), value
        expected_referrals = (
            [question["referral"]["kind"]] if calls and question.get("referral") else []
        )
        assert [r.agency_kind for r in referrals] == expected_referrals, value
        assert all(r.question == question["key"] for r in referrals)
        if calls and question.get("followup"):
            days = question["followup"]["days"]
            assert [(f.question, (f.due_on - TODAY).days) for f in followups] == [
                (question["key"], days)
            ]
        else:
            assert followups == [], value


def test_a_number_rule_fires_below_its_limit_only():
    health = checklist.find_question(CONTENT, "health_rating")[1]
    assert [n for n in range(1, 6) if checklist.fires(health, n)] == [1]


def test_no_answers_suggest_nothing_and_unanswered_required_are_listed():
    assert checklist.referrals_for(CONTENT, {}) == []
    assert checklist.followups_for(CONTENT, {}, TODAY) == []
    missing = [q["key"] for _, q in checklist.missing_required(CONTENT, {"food": "no"})]
    assert "food" not in missing and "smoke_alarm" in missing


def test_two_answers_calling_for_one_agency_make_one_referral():
    answers = {"falls": "yes", "gp": "no", "low_mood": "yes"}
    assert [r.agency_kind for r in checklist.referrals_for(CONTENT, answers)] == ["health"]


@pytest.mark.parametrize(
    ("key", "raw", "value", "error"),
    [
        ("children", ["3"], 3, None),
        ("children", ["3.5"], 3.5, None),
        ("children", ["16"], None, "Enter a number from 0 to 15"),
        ("children", ["nan"], None, "Enter a number from 0 to 15"),
        ("smoke_alarm", ["no"], "no", None),
        ("smoke_alarm", ["no", "yes"], None, "Give one answer"),
        ("vehicle", ["Spaceship"], None, "Choose an answer from the list"),
        ("fire_risks", ["Hoarding", "Candles"], ["Candles", "Hoarding"], None),
        ("fire_risks", ["Hoarding", "Arson"], None, "Choose answers from the list"),
        ("contact", ["x" * 301], None, "Enter 300 characters or fewer"),
        ("contact", ["  "], "", None),
    ],
)
def test_answers_are_checked_against_their_question(key, raw, value, error):
    question = checklist.find_question(CONTENT, key)[1]
    assert checklist.check_answer(question, raw) == (value, error)


def test_coverage_shows_early_progress_to_one_decimal():
    from app.visits.coverage import AreaCoverage

    assert AreaCoverage(1, "Abbey", 6200, households_visited=4).percent == 0.1
    assert AreaCoverage(1, "Abbey", 40, households_visited=16).percent == 40
    assert AreaCoverage(1, "Abbey", None, households_visited=16).percent is None


def test_questions_are_asked_only_when_an_earlier_answer_calls_for_them():
    always = {q["key"] for _, q in checklist.questions(CONTENT) if not q.get("ask_if")}
    children = {"child_safety_items", "online_safety"}
    assert checklist.asked(CONTENT, {}) == always
    assert checklist.asked(CONTENT, {"children": 0}) == always
    assert checklist.asked(CONTENT, {"children": 2}) == always | children
    assert checklist.asked(CONTENT, {"asb": "no"}) == always
    assert checklist.asked(CONTENT, {"asb": "yes"}) == always | {"asb_kinds"}
    assert checklist.asked(CONTENT, {"vehicle": "None"}) == always
    for kind in ("Car or van", "Motorbike or scooter", "Bicycle", "More than one of these"):
        assert checklist.asked(CONTENT, {"vehicle": kind}) == always | {"vehicle_parked"}


def test_a_hidden_question_is_not_required_and_its_answer_calls_for_nothing():
    content = {
        "sections": [
            {
                "title": "One",
                "questions": [
                    {"key": "pets", "text": "Pets?", "kind": "yesno", "required": True},
                    {
                        "key": "dog",
                        "text": "A dog that bites?",
                        "kind": "yesno",
                        "required": True,
                        "ask_if": {"question": "pets", "when": ["yes"]},
                        "when": ["yes"],
                        "referral": {"kind": "council", "reason": "Dog"},
                        "followup": {"days": 7, "reason": "Dog"},
                    },
                    {
                        "key": "lead",
                        "text": "On a lead?",
                        "kind": "yesno",
                        "ask_if": {"question": "dog", "when": ["yes"]},
                    },
                ],
            }
        ]
    }
    missing = [q["key"] for _, q in checklist.missing_required(content, {"pets": "yes"})]
    assert missing == ["dog"]
    assert checklist.missing_required(content, {"pets": "no"}) == []
    hidden = {"pets": "no", "dog": "yes", "lead": "yes"}  # answers kept from before a change
    assert checklist.kept(content, hidden) == {"pets": "no"}
    assert checklist.referrals_for(content, hidden) == []
    assert checklist.followups_for(content, hidden, TODAY) == []
    assert checklist.asked(content, hidden) == {"pets"}  # "lead" waits on a hidden question
    shown = {"pets": "yes", "dog": "yes"}
    assert [r.agency_kind for r in checklist.referrals_for(content, shown)] == ["council"]
    assert checklist.asked(content, {**shown, "lead": "no"}) == {"pets", "dog", "lead"}
    # A rule naming a question no longer in the template asks the question always.
    orphan = {"sections": [{"title": "T", "questions": [content["sections"][0]["questions"][2]]}]}
    assert checklist.asked(orphan, {}) == {"lead"}


def test_ratings_and_small_counts_are_taps_and_larger_numbers_typed():
    by_key = {q["key"]: q for _, q in checklist.questions(CONTENT)}
    assert checklist.tap_values(by_key["health_rating"]) == ["1", "2", "3", "4", "5"]
    assert checklist.tap_values(by_key["feel_safe"]) == ["1", "2", "3", "4", "5"]
    assert checklist.tap_values(by_key["children"]) == [str(n) for n in range(16)]
    assert checklist.tap_values({"kind": "number", "min": 0, "max": 100}) is None
    assert checklist.tap_values({"kind": "number", "min": 0.5, "max": 3}) is None
    assert checklist.tap_values(by_key["food"]) is None  # yes/no: its own choices


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0, "30 minutes left of 30"),
        (59, "30 minutes left of 30"),
        (5 * 60, "25 minutes left of 30"),
        (29 * 60 + 30, "1 minute left of 30"),
        (30 * 60, "30 minutes up"),
        (31 * 60, "1 minute over the 30"),
        (42 * 60, "12 minutes over the 30"),
    ],
)
def test_the_visit_timer_says_what_it_means(seconds, said):
    from datetime import UTC, datetime, timedelta

    from app.visits.views import timer_text

    started = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert timer_text(started, started + timedelta(seconds=seconds)) == said
