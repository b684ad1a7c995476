"""Rule-library options for ballots and 民主评议: defaults and bounds (a profile cannot lower the
minimum number of ballots below 5, nor pick an unknown probationary mode)."""

from __future__ import annotations

import pytest

from orglife.rules.loader import RuleError, apply_profile, get_profile


def test_defaults_follow_the_national_text():
    options = get_profile().options
    assert options["ballot_min_cast"] == 5 and options["appraisal_probationary"] == "graded"


@pytest.mark.parametrize("options", [{"ballot_min_cast": 3}, {"ballot_min_cast": 0}, {"ballot_min_cast": "5"},
                                     {"appraisal_probationary": "never"}])
def test_bad_options_are_refused(options):
    with pytest.raises(RuleError):
        apply_profile(get_profile(), {"profile": "x", "options": options}, "x.yaml")


@pytest.mark.parametrize("options", [{"ballot_min_cast": 9}, {"appraisal_probationary": "no_excellent"},
                                     {"appraisal_probationary": "not_graded"}])
def test_local_options_are_accepted(options):
    profile = apply_profile(get_profile(), {"profile": "x", "options": options}, "x.yaml")
    assert all(profile.options[k] == v for k, v in options.items())


def test_a_profile_may_lower_the_excellent_share_but_the_rule_stays_a_warning_level_rule():
    profile = apply_profile(get_profile(), {"profile": "x", "overrides": {"appraisal.excellent_one_in": 4}}, "x.yaml")
    assert profile.value("appraisal.excellent_one_in") == 4
