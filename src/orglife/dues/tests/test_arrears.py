"""The arrears list, raising cases, and a case's page where the branch records its handling."""

import pytest

from orglife.dues.models import ArrearsCase

pytestmark = pytest.mark.django_db


def test_it_lists_members_in_arrears(client, dues):
    client.force_login(dues.secretary)
    r = client.get("/dues/org/ZB1/arrears/")
    text = r.content.decode()
    assert r.status_code == 200 and "王五" in text and "8 个月" in text and "李四" not in text
    assert "应提交党支部处理" in text


def test_the_officer_sees_the_subtree(client, dues):
    client.force_login(dues.officer)
    assert "王五" in client.get("/dues/org/ZZ/arrears/").content.decode()


def test_raising_cases_is_idempotent(client, dues):
    client.force_login(dues.secretary)
    client.post("/dues/org/ZB1/arrears/")
    r = client.post("/dues/org/ZB1/arrears/", follow=True)
    assert "没有需要新生成的待处理事项" in r.content.decode()
    case = ArrearsCase.objects.get()
    assert case.member == dues.m2 and case.months_unpaid == 8
    assert "待党支部处理" in client.get("/dues/org/ZB1/arrears/").content.decode()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_others_are_refused(client, dues, who):
    client.force_login(getattr(dues, who))
    assert client.get("/dues/org/ZB1/arrears/").status_code == 403
    assert client.post("/dues/org/ZB1/arrears/").status_code == 403
    assert not ArrearsCase.objects.exists()


def test_wrong_org_and_method(client, dues):
    client.force_login(dues.secretary)
    assert client.get("/dues/org/ZB3/arrears/").status_code == 403
    assert client.put("/dues/org/ZB1/arrears/").status_code == 405


def test_query_count_does_not_grow(client, dues, today, django_assert_max_num_queries):
    from orglife.conftest import make_member
    from orglife.dues import rules, services

    for i in range(10):
        m = make_member("ZB1", name=f"欠缴{i}")
        services.profile_set(actor=None, member=m, category="student",
                             effective_month=rules.add_months(rules.month_start(today), -4), today=today)
    client.force_login(dues.secretary)
    with django_assert_max_num_queries(12):
        r = client.get("/dues/org/ZB1/arrears/")
    assert "欠缴9" in r.content.decode()


def raise_case(client, dues):
    client.force_login(dues.secretary)
    client.post("/dues/org/ZB1/arrears/")
    return ArrearsCase.objects.get()


def test_the_branch_handles_a_case(client, dues):
    case = raise_case(client, dues)
    r = client.post(f"/dues/case/{case.pk}/", {"status": "reason_accepted", "resolution": "长期外派，已书面说明"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "reason_accepted" and case.handled_by == dues.secretary
    dues.m2.refresh_from_db()
    assert dues.m2.status == "active"


def test_a_case_without_resolution_keeps_the_form(client, dues):
    case = raise_case(client, dues)
    r = client.post(f"/dues/case/{case.pk}/", {"status": "referred", "resolution": ""})
    assert r.status_code == 400 and "必填" in r.content.decode()
    assert 'value="referred" selected' in r.content.decode()


def test_case_access(client, dues):
    case = raise_case(client, dues)
    client.force_login(dues.officer)
    assert client.get(f"/dues/case/{case.pk}/").status_code == 200
    for who in ("member", "outsider"):
        client.force_login(getattr(dues, who))
        assert client.get(f"/dues/case/{case.pk}/").status_code == 403
        assert client.post(f"/dues/case/{case.pk}/", {"status": "closed", "resolution": "x"}).status_code == 403
    client.force_login(dues.secretary)
    assert client.put(f"/dues/case/{case.pk}/").status_code == 405
    assert client.get("/dues/case/999999/").status_code == 404
