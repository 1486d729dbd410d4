"""Alarm rules: a rule that cannot work is refused with the field to fix."""

from __future__ import annotations

import pytest

from shared.core.operations.errors import AlarmRuleError
from shared.core.operations.model.alarm_index import compile_rules
from shared.core.operations.model.alarm_rules import (
    AlarmKind,
    AlarmRule,
    TagInfo,
    TagSelector,
    check_rule,
    check_rule_set,
    check_rule_targets,
    parse_alarm_rule,
)

TAGS = [
    TagInfo(1, "w1", "tubing_pressure", "permian"),
    TagInfo(2, "w2", "tubing_pressure", "permian"),
    TagInfo(3, "w3", "tubing_pressure", "eagle_ford"),
    TagInfo(4, "w1", "casing_pressure", "permian"),
]


def _limit(**overrides):
    data = {"rule_id": "tp-high", "kind": "limit", "tag_id": 1, "high": 1500, "low": 50}
    data.update(overrides)
    return data


def _refused(data) -> AlarmRuleError:
    with pytest.raises(AlarmRuleError) as caught:
        parse_alarm_rule(data)
    return caught.value


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"low": 1600}, "low"),
        ({"low": 1500}, "low"),
        ({"min_duration_s": -1}, "min_duration_s"),
        ({"deadband": -0.5}, "deadband"),
        ({"deadband": 800}, "deadband"),
        ({"high": float("nan")}, "high"),
        ({"high": 1e13}, "high"),
        ({"high": None, "low": None}, "high"),
        ({"max_rise_per_min": 5}, "max_rise_per_min"),
        ({"stale_after_s": 600}, "stale_after_s"),
        ({"kind": "flood"}, "kind"),
        ({"rule_id": "has spaces"}, "rule_id"),
        ({"signal_class": "tubing_pressure"}, "tag_id"),
        ({"tag_id": None}, "tag_id"),
        ({"field_id": "permian"}, "field_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_limit_rule_that_cannot_work_names_the_field(overrides, field):
    # GIVEN a limit rule with one thing wrong
    # WHEN it is parsed
    # THEN it is refused, naming that field
    assert _refused(_limit(**overrides)).field == field


def test_a_rate_rule_needs_a_positive_rise_or_fall_and_no_limits():
    base = {"rule_id": "r", "kind": "rate", "tag_id": 1}
    assert _refused(base).field == "max_fall_per_min"
    assert _refused({**base, "max_rise_per_min": 0}).field == "max_rise_per_min"
    assert _refused({**base, "max_rise_per_min": 5, "high": 3}).field == "high"
    rule = parse_alarm_rule({**base, "max_rise_per_min": 5, "max_fall_per_min": 2})
    assert (rule.upper, rule.lower) == (5, -2)


def test_a_stale_rule_needs_a_plausible_gap_and_no_deadband():
    base = {"rule_id": "s", "kind": "stale", "tag_id": 1}
    assert _refused(base).field == "stale_after_s"
    assert _refused({**base, "stale_after_s": 5}).field == "stale_after_s"
    assert _refused({**base, "stale_after_s": 600, "deadband": 1}).field == "deadband"
    assert _refused({**base, "stale_after_s": 600, "low": 1}).field == "low"
    assert parse_alarm_rule({**base, "stale_after_s": 600}).kind is AlarmKind.STALE


def test_rules_built_in_code_get_the_same_checks():
    # GIVEN rules made without the pydantic edge (e.g. by a later service)
    rule = AlarmRule("x", AlarmKind.LIMIT, TagSelector(tag_id=1), high=10, min_duration_s=-5)
    # THEN the checks still hold
    with pytest.raises(AlarmRuleError) as caught:
        check_rule(rule)
    assert caught.value.field == "min_duration_s"
    rule = AlarmRule("x", AlarmKind.LIMIT, TagSelector(tag_id=1), high=10, low=20)
    with pytest.raises(AlarmRuleError) as caught:
        check_rule(rule)
    assert caught.value.field == "low"


def test_an_unknown_tag_or_an_empty_class_is_refused_against_the_known_tags():
    unknown = parse_alarm_rule(_limit(tag_id=99))
    with pytest.raises(AlarmRuleError) as caught:
        check_rule_targets(unknown, TAGS)
    assert caught.value.field == "tag_id"
    assert "99" in caught.value.reason
    nowhere = parse_alarm_rule(
        _limit(tag_id=None, signal_class="tubing_pressure", field_id="bakken")
    )
    with pytest.raises(AlarmRuleError) as caught:
        check_rule_targets(nowhere, TAGS)
    assert caught.value.field == "field_id"


def test_a_signal_class_rule_watches_every_tag_of_that_class_in_its_field():
    rule = parse_alarm_rule(_limit(tag_id=None, signal_class="tubing_pressure", field_id="permian"))
    assert [t.tag_id for t in check_rule_targets(rule, TAGS)] == [1, 2]
    every_field = parse_alarm_rule(_limit(tag_id=None, signal_class="tubing_pressure"))
    assert [t.tag_id for t in check_rule_targets(every_field, TAGS)] == [1, 2, 3]


def test_a_rule_set_names_the_rule_and_field_at_fault():
    good = parse_alarm_rule(_limit())
    lost = parse_alarm_rule(_limit(rule_id="lost", tag_id=42))
    with pytest.raises(AlarmRuleError) as caught:
        check_rule_set([good, lost], TAGS)
    assert caught.value.field == "rules.1.tag_id"
    with pytest.raises(AlarmRuleError) as caught:
        check_rule_set([good, good], TAGS)
    assert caught.value.field == "rules.1.rule_id"


def test_compiling_skips_rules_whose_tags_are_gone_instead_of_failing():
    # GIVEN a saved rule whose tag has since been unmapped
    lost = parse_alarm_rule(_limit(rule_id="lost", tag_id=42))
    cls = parse_alarm_rule(_limit(rule_id="cls", tag_id=None, signal_class="tubing_pressure"))
    # WHEN the drain compiles the rule set
    index = compile_rules([lost, cls], TAGS)
    # THEN the class rule binds its three tags and the lost rule binds nothing
    assert sorted(b.key for b in index.bindings()) == [("cls", 1), ("cls", 2), ("cls", 3)]
    assert index.tag_ids.tolist() == [1, 2, 3]
