"""The packaged rule data: every file loads, every rule has a source, bad data is refused."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest

from shared.core.compliance.errors import RuleDataError
from shared.core.compliance.model.rulebook import (
    RULES_PACKAGE,
    SeveranceBook,
    deadline_book,
    emission_book,
    gwp_book,
    parse_rules,
    severance_book,
)


def severance_json() -> dict:
    return json.loads(resources.files(RULES_PACKAGE).joinpath("severance.json").read_text("utf-8"))


def test_every_packaged_file_loads_and_links_up():
    assert {rule.state for rule in severance_book().rules} == {"TX", "NM", "OK"}
    deadlines = {obligation.id for obligation in deadline_book().obligations}
    assert {rule.deadline for rule in severance_book().rules} <= deadlines
    assert {"tx_form_pr", "nm_c115", "ok_gross_production"} <= deadlines
    assert emission_book().combustion["natural_gas"].co2_kg_per_mmbtu == 53.06
    assert set(gwp_book().sets) == {"AR4", "AR5"}


def test_rules_of_one_tax_never_overlap_in_time():
    """Two rules of the same state, label and product in force on the same day would tax twice."""
    rules = severance_book().rules
    never = date.max
    for index, rule in enumerate(rules):
        for other in rules[index + 1 :]:
            same_tax = other.state == rule.state and other.label == rule.label
            if not same_tax or not set(rule.products) & set(other.products):
                continue
            overlap = rule.effective_from <= (
                other.effective_to or never
            ) and other.effective_from <= (rule.effective_to or never)
            assert not overlap, f"{rule.id} and {other.id} are in force together"


def test_every_source_says_how_sure_it_is():
    text = "".join(
        resources.files(RULES_PACKAGE).joinpath(name).read_text("utf-8")
        for name in ("severance.json", "deadlines.json", "emissions.json", "gwp.json")
    )
    assert text.count('"source"') + text.count('"table_a1_source"') == text.count('"status"')


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda data: data["rules"][0].update(rate="4.6"), "rules.0"),
        (lambda data: data["rules"][2].pop("unit"), "rules.2"),
        (lambda data: data["rules"][0].pop("source"), "rules.0.source"),
        (lambda data: data["rules"][1].update(effective_to="1990-01-01"), "rules.1"),
        (
            lambda data: data["rules"][0]["adjustments"][0].update(reference="wti"),
            "rules.0.adjustments.0",
        ),
        (lambda data: data["rules"][0]["source"].update(status="maybe"), "rules.0.source.status"),
        (lambda data: data["rules"][0].update(surprise=True), "rules.0.surprise"),
        (lambda data: data["rules"].append(data["rules"][0]), "(file)"),
    ],
)
def test_bad_rule_data_is_refused_saying_where(change, where):
    data = severance_json()
    change(data)
    with pytest.raises(RuleDataError) as caught:
        parse_rules("severance.json", json.dumps(data), SeveranceBook)
    assert f"{where}" in caught.value.detail
