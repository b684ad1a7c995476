"""One organization's explained score; manual entries, adjustments with a reason, grades."""

from __future__ import annotations

from orglife.core.models import AuditEvent
from orglife.evaluation import assessment_services as services
from orglife.evaluation.scorecard_models import AssessmentResult

from .assessment_helpers import make_run


def url(run, code="ZB1", tail=""):
    return f"/assessments/{run.pk}/orgs/{code}/{tail}"


def test_it_explains_every_line(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    body = client.get(url(run)).content.decode()
    for text in ("三会一课落实率", "谈心谈话覆盖率", "学时达标率", "考试合格率", "问题整改按期销号率", "民主评议党员开展情况",
                 "按时交纳党费比例", "连续6个月以上未开展党的活动", "群众评价", "canyonlakefaqs.com"):
        assert text in body, text
    assert "/orgs/ZB1/compliance/?year=2026" in body  # the records behind the indicator


def test_it_403s_and_404s(client, demo):
    run = make_run(demo)
    for user in (demo.outsider, demo.member, demo.secretary):
        client.force_login(user)
        assert client.get(url(run)).status_code == 403
        assert client.post(url(run, tail="input/"), {"kind": "survey", "value": "95"}).status_code == 403
        assert client.post(url(run, tail="grade/"), {"grade": "one"}).status_code == 403
    client.force_login(demo.officer)
    assert client.get(url(run, "ZB3")).status_code == 404  # not in this run
    assert client.get(url(run, "ZZ")).status_code == 404


def test_adjust_without_reason_keeps_input(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    r = client.post(url(run, tail="input/"), {"kind": "adjust", "key": "meetings", "value": "1.5", "reason": ""})
    assert r.status_code == 400
    body = r.content.decode()
    assert "调整分数必须填写理由" in body and 'value="1.5"' in body


def test_adjust_with_reason(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    r = client.post(url(run, tail="input/"), {"kind": "adjust", "key": "meetings", "value": "1.5",
                                              "reason": "会议记录缺签到"})
    assert r.status_code == 302
    line = next(x for x in AssessmentResult.objects.get(run=run, org=demo.zb1).lines if x["id"] == "meetings")
    assert line["points"] == "1.50"
    assert AuditEvent.objects.filter(action="assessment.adjust").exists()
    assert "会议记录缺签到" in client.get(url(run)).content.decode()


def test_grade_form(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    r = client.post(url(run, tail="grade/"), {"grade": "five", "reason": "很好"})
    assert r.status_code == 400 and "分数线" in r.content.decode()
    services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="survey", key="", value="100")
    for key, pts in (("leadership", 15), ("core_team", 10), ("venue", 10), ("support", 10), ("performance", 10)):
        services.input_set(actor=demo.officer, run=run, org=demo.zb1, kind="manual", key=key, value=pts, evidence="查阅材料")
    result = AssessmentResult.objects.get(run=run, org=demo.zb1)
    assert result.proposed_grade != "one"
    r = client.post(url(run, tail="grade/"), {"grade": "one", "reason": ""})
    assert r.status_code == 400 and "必须填写理由" in r.content.decode()
    r = client.post(url(run, tail="grade/"), {"grade": "one", "reason": "材料不实"})
    assert r.status_code == 302
    result.refresh_from_db()
    assert result.grade == "one" and result.grade_reason == "材料不实"


def test_wrong_methods(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    assert client.post(url(run)).status_code == 405
    assert client.get(url(run, tail="input/")).status_code == 405
    assert client.get(url(run, tail="grade/")).status_code == 405
