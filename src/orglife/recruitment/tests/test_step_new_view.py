"""Recording a step from the file page: errors keep the input; votes come from assembly
resolutions."""

import pytest
from django.urls import reverse

from orglife.recruitment.models import Step

from . import factories as f

pytestmark = pytest.mark.django_db


def post(client, user, a, data):
    client.force_login(user)
    return client.post(reverse("recruitment_step_new", args=[a.pk]), data)


def test_it_records_a_step_with_people(client, demo):
    a = f.applicant(demo.zb1)
    r = post(client, demo.secretary, a, {"step": "talk", "on": "2024-03-20", "actors": [demo.m1.pk], "notes": "谈话顺利"})
    assert r.status_code == 302
    step = Step.objects.get(applicant=a, step="talk")
    assert list(step.actors.all()) == [demo.m1] and step.notes == "谈话顺利"


def test_errors_keep_the_input(client, demo):
    a = f.applicant(demo.zb1)
    r = post(client, demo.secretary, a, {"step": "talk", "on": "2023-01-01", "notes": "记下的内容"})
    body = r.content.decode()
    assert r.status_code == 400 and "不能早于递交入党申请书的日期" in body and "记下的内容" in body
    assert not Step.objects.filter(step="talk").exists()


def test_a_vote_links_an_assembly_resolution(client, demo):
    a = f.through(f.applicant(demo.zb1))
    resolution = f.assembly(demo.zb1)
    form = (client.force_login(demo.secretary) or client.get(
        reverse("recruitment_applicant", args=[a.pk]), {"step": "acceptance_vote"})).context["form"]
    assert [c for c, _ in form.fields["resolution"].choices][1:] == [resolution.pk]
    r = post(client, demo.secretary, a, {"step": "acceptance_vote", "resolution": resolution.pk})
    assert r.status_code == 302
    assert Step.objects.get(applicant=a, step="acceptance_vote").on == f.VOTE_AT.date()


def test_an_unknown_step_is_refused(client, demo):
    r = post(client, demo.secretary, f.applicant(demo.zb1), {"step": "nonsense"})
    assert r.status_code == 302 and not Step.objects.filter(step="nonsense").exists()


@pytest.mark.parametrize("who", ["outsider", "member", "officer"])
def test_it_refuses_people_who_do_not_manage_the_branch(client, demo, who):
    a = f.applicant(demo.zb3 if who == "officer" else demo.zb1)
    assert post(client, getattr(demo, who), a, {"step": "talk", "on": "2024-03-20"}).status_code == 403


def test_it_refuses_get(client, demo):
    client.force_login(demo.secretary)
    assert client.get(reverse("recruitment_step_new", args=[f.applicant(demo.zb1).pk])).status_code == 405
