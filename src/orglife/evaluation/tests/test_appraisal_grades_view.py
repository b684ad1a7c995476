"""/appraisals/<pk>/grades/: the committee's grades, the 优秀 cap, reasons, tallies beside each name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orglife.evaluation.appraisal_models import Grade, Stage

from .appraisal_helpers import open_evaluation, to_stage, vote_all

pytestmark = pytest.mark.django_db


def form_data(ev, **grades):
    data = {}
    for p in ev.participants.all():
        g = grades.get(p.name, Grade.QUALIFIED)
        data[f"grade_{p.pk}"] = g
        data[f"reason_{p.pk}"] = "" if g == Grade.QUALIFIED else "表现突出"
    return data


def test_the_form_shows_tallies_and_the_cap(client, demo):
    ev = to_stage(open_evaluation(demo, voters=5), Stage.VOTING)
    vote_all(ev)
    ev = to_stage(ev, Stage.GRADING)
    client.force_login(demo.secretary)
    body = client.get(reverse("appraisal_grades", args=[ev.pk])).content.decode()
    assert "评为优秀的最多 <strong>2</strong> 人" in body and "民主测评：优秀 0 · 合格 6" in body


def test_the_secretary_saves_grades(client, demo):
    ev = to_stage(open_evaluation(demo, voters=5), Stage.GRADING)
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_grades", args=[ev.pk]), form_data(ev, 李四=Grade.EXCELLENT))
    assert r.status_code == 302
    assert ev.participants.get(member=demo.m1).grade == Grade.EXCELLENT
    assert ev.participants.filter(grade=Grade.QUALIFIED).count() == 6


def test_over_the_cap_is_refused_and_the_form_keeps_the_input(client, demo):
    ev = to_stage(open_evaluation(demo, voters=5), Stage.GRADING)
    names = list(ev.participants.values_list("name", flat=True))[:3]
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_grades", args=[ev.pk]), form_data(ev, **{n: Grade.EXCELLENT for n in names}))
    body = r.content.decode()
    assert r.status_code == 400 and "最多 2 人" in body and body.count('value="excellent" selected') == 3
    assert not ev.participants.exclude(grade="").exists()


def test_a_missing_reason_is_shown_by_the_field(client, demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.GRADING)
    p = ev.participants.get(member=demo.m1)
    client.force_login(demo.secretary)
    r = client.post(reverse("appraisal_grades", args=[ev.pk]), {f"grade_{p.pk}": Grade.UNQUALIFIED, f"reason_{p.pk}": ""})
    assert r.status_code == 400 and "请填写李四评为不合格的理由" in r.content.decode()


def test_before_grading_it_redirects_with_a_message(client, demo):
    ev = open_evaluation(demo, voters=0)
    client.force_login(demo.secretary)
    r = client.get(reverse("appraisal_grades", args=[ev.pk]), follow=True)
    assert "民主测评结束后" in r.content.decode()


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_only_managers_grade(client, demo, persona):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.GRADING)
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("appraisal_grades", args=[ev.pk])).status_code == 403
    assert client.post(reverse("appraisal_grades", args=[ev.pk]), form_data(ev)).status_code == 403


def test_wrong_method(client, demo):
    ev = to_stage(open_evaluation(demo, voters=0), Stage.GRADING)
    client.force_login(demo.secretary)
    assert client.put(reverse("appraisal_grades", args=[ev.pk])).status_code == 405


def test_queries_do_not_grow_with_the_roster(client, demo, django_assert_max_num_queries):
    ev = to_stage(open_evaluation(demo, voters=12), Stage.VOTING)
    vote_all(ev)
    ev = to_stage(ev, Stage.GRADING)
    client.force_login(demo.secretary)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("appraisal_grades", args=[ev.pk])).status_code == 200
