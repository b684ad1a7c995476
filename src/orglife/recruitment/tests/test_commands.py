"""seed_applicants: bulk scale data whose derived fields match what the services compute."""

import io

import pytest
from django.core.management import CommandError, call_command

from orglife.recruitment import services
from orglife.recruitment.management.commands.seed_applicants import subtree_near
from orglife.recruitment.models import Applicant

pytestmark = pytest.mark.django_db


def test_it_seeds_each_branch_and_agrees_with_the_services(demo):
    out = io.StringIO()
    call_command("seed_applicants", "--org", "ZZ", "--per-branch", "3", stdout=out)
    assert "2/2 个党支部" in out.getvalue()
    assert Applicant.objects.filter(org=demo.zb1).count() == 3 and Applicant.objects.filter(org=demo.zb2).count() == 3
    for a in Applicant.objects.all():
        stored = (a.step_number, a.next_step, a.next_due, a.error_count)
        services.refresh(a)
        assert (a.step_number, a.next_step, a.next_due, a.error_count) == stored
    with pytest.raises(CommandError):
        call_command("seed_applicants", "--org", "ZZ", "--per-branch", "3", stdout=out)


def test_the_default_subtree_is_the_one_nearest_the_target(demo):
    assert subtree_near(2).code == "ZZ"  # 2 branches
    assert subtree_near(3).code == "DW"  # 3 branches
    assert subtree_near(1).code == "ZZ"
    assert subtree_near(99).code == "DW"  # none is that big: the largest
