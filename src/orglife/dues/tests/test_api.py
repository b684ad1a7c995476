"""GET /api/v1/dues/quote and GET /api/v1/orgs/{code}/dues/{month}."""

import pytest

from orglife.core.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


@pytest.mark.parametrize(("query", "monthly", "rule"), [
    ("category=salaried&base=3000.00", "15.00", "dues.salaried"),
    ("category=salaried&base=3000.01", "30.00", "dues.salaried"),
    ("category=annual_salary&base=10000.01", "200.00", "dues.annual_salary"),
    ("category=self_employed&base=5000", "50.00", "dues.self_employed"),
    ("category=retired&base=5000.01", "50.00", "dues.retired"),
    ("category=farmer", "0.20", "dues.farmer"),
    ("category=farmer&amount=0.5", "0.50", "dues.farmer"),
    ("category=farmer&base=1", "1.00", "dues.farmer"),
    ("category=student", "0.20", "dues.student"),
    ("category=unemployed", "0.20", "dues.unemployed"),
    ("category=relief", "0.20", "dues.relief"),
    ("category=dibao", "0.20", "dues.dibao"),
])
def test_quote(client, demo, query, monthly, rule):
    r = client.get(f"/api/v1/dues/quote?{query}", **bearer(demo.member))
    assert r.status_code == 200
    assert r.json() == {"monthly": monthly, "rule": rule}


@pytest.mark.parametrize(("query", "field", "text"), [
    ("category=teacher&base=1", "category", "党费类别"),
    ("category=salaried", "base", "请填写"),
    ("category=salaried&base=abc", "base", "不是有效的金额"),
    ("category=salaried&base=-5", "base", "不能为负数"),
    ("category=farmer&amount=2", "amount", "超出范围"),
    ("base=100", "category", "不能为空"),
])
def test_quote_errors(client, demo, query, field, text):
    r = client.get(f"/api/v1/dues/quote?{query}", **bearer(demo.member))
    assert r.status_code == 400
    [error] = r.json()["errors"]
    assert error["field"] == field and text in error["message"]


def test_quote_needs_a_token(client, demo):
    assert client.get("/api/v1/dues/quote?category=student").status_code == 401


def test_org_month(client, dues, today):
    r = client.get(f"/api/v1/orgs/ZB1/dues/{today:%Y-%m}", **bearer(dues.secretary))
    assert r.status_code == 200
    body = r.json()
    assert (body["owing"], body["due"], body["paid"], body["unpaid"], body["in_arrears"]) == (2, "55.00", "40.00", 1, 1)
    states = {m["name"]: m["state"] for m in body["members"]}
    assert states == {"李四": "已交", "王五": "未交"}
    assert "id_number" not in str(body)


def test_org_month_scope_and_errors(client, dues, today):
    assert client.get(f"/api/v1/orgs/ZB1/dues/{today:%Y-%m}", **bearer(dues.outsider)).status_code == 403
    assert client.get(f"/api/v1/orgs/ZB3/dues/{today:%Y-%m}", **bearer(dues.secretary)).status_code == 403
    assert client.get(f"/api/v1/orgs/NOPE/dues/{today:%Y-%m}", **bearer(dues.secretary)).status_code == 404
    r = client.get("/api/v1/orgs/ZB1/dues/2026-13", **bearer(dues.secretary))
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "month"
    assert client.post(f"/api/v1/orgs/ZB1/dues/{today:%Y-%m}", **bearer(dues.secretary)).status_code == 405
