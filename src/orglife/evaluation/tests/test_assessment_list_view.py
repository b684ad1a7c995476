"""The list of assessments of an organization and the 发起考核 form."""

from __future__ import annotations

from orglife.evaluation.scorecard_models import AssessmentRun

from .assessment_helpers import KEY, make_run


def test_it_lists_runs_and_offers_the_form_to_managers(client, demo):
    make_run(demo)
    client.force_login(demo.officer)
    r = client.get("/orgs/ZZ/assessments/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "2026年度考核评星" in body and "发起考核" in body


def test_viewers_without_manage_see_no_form(client, demo):
    client.force_login(demo.secretary)  # manages ZB1 only: cannot see ZZ
    assert client.get("/orgs/ZZ/assessments/").status_code == 403
    client.force_login(demo.officer)
    assert "发起考核" not in client.get("/orgs/ZB1/assessments/").content.decode()  # a branch assesses nobody


def test_it_403s_for_outsider_and_member(client, demo):
    for user in (demo.outsider, demo.member):
        client.force_login(user)
        assert client.get("/orgs/ZZ/assessments/").status_code == 403
        assert client.post("/orgs/ZZ/assessments/new/", {"year": 2026, "scorecard": KEY}).status_code == 403


def test_it_creates_and_computes(client, demo):
    client.force_login(demo.officer)
    r = client.post("/orgs/ZZ/assessments/new/", {"year": 2026, "scorecard": KEY})
    run = AssessmentRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/assessments/{run.pk}/"
    assert run.org_count == 2


def test_bad_input_keeps_what_was_typed(client, demo):
    client.force_login(demo.officer)
    r = client.post("/orgs/ZZ/assessments/new/", {"year": "1999", "scorecard": KEY})
    assert r.status_code == 400
    assert 'value="1999"' in r.content.decode()
    assert not AssessmentRun.objects.exists()


def test_wrong_org_is_403(client, demo):
    client.force_login(demo.officer)  # ZZ's manager, not DW's
    assert client.post("/orgs/DW/assessments/new/", {"year": 2026, "scorecard": KEY}).status_code == 403


def test_wrong_methods(client, demo):
    client.force_login(demo.officer)
    assert client.post("/orgs/ZZ/assessments/").status_code == 405
    assert client.get("/orgs/ZZ/assessments/new/").status_code == 405
