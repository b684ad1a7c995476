"""The subtree summary page, its export, and relief approval by the committee above."""

import pytest

from orglife.dues import services
from orglife.dues.models import DuesRelief

from .xlsx import read

pytestmark = pytest.mark.django_db


def test_the_officer_sees_the_subtree(client, dues, today):
    client.force_login(dues.officer)
    r = client.get("/dues/org/ZZ/summary/")
    text = r.content.decode()
    assert r.status_code == 200 and "第一党支部" in text and "第二党支部" in text and "55.00" in text


def test_the_admin_sees_the_whole_tree(client, dues):
    client.force_login(dues.admin)
    text = client.get("/dues/org/DW/summary/").content.decode()
    assert "测试党总支" in text and "第三党支部" in text and "55.20" in text


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_others_are_refused(client, dues, who):
    client.force_login(getattr(dues, who))
    assert client.get("/dues/org/ZZ/summary/").status_code == 403
    assert client.get("/dues/org/ZZ/summary.xlsx").status_code == 403


def test_wrong_org_and_method(client, dues):
    client.force_login(dues.officer)
    assert client.get("/dues/org/ZB3/summary/").status_code == 403
    assert client.post("/dues/org/ZZ/summary/").status_code == 405
    assert client.post("/dues/org/ZZ/summary.xlsx").status_code == 405


def test_the_export(client, dues):
    client.force_login(dues.officer)
    r = client.get("/dues/org/ZZ/summary.xlsx")
    assert r.status_code == 200
    rows = read(r.content, "汇总")
    assert rows[-1][0] == "合计" and rows[-1][1] == 2


def test_query_count_does_not_grow_with_branches(client, dues, today, django_assert_max_num_queries):
    from orglife.conftest import make_member
    from orglife.orgs import services as org_services
    from orglife.orgs.models import Organization

    client.force_login(dues.officer)
    zz = Organization.objects.get(code="ZZ")
    for i in range(8):
        branch = org_services.org_create(actor=None, parent=zz, code=f"ZBX{i}", name=f"新支部{i}", kind="branch")
        m = make_member(branch.code, name=f"党员{i}")
        services.profile_set(actor=None, member=m, category="student", effective_month=today.replace(day=1), today=today)
        zz = Organization.objects.get(code="ZZ")
    with django_assert_max_num_queries(14):
        r = client.get("/dues/org/ZZ/summary/")
    assert "新支部7" in r.content.decode()


def propose(dues):
    return services.relief_propose(actor=dues.secretary, member=dues.m2, kind="exemption",
                                   start_month=dues.m2.dues_profiles.first().effective_month,
                                   end_month=dues.m2.dues_profiles.first().effective_month, reason="重病住院")


def test_the_committee_above_approves_a_relief(client, dues):
    relief = propose(dues)
    client.force_login(dues.officer)
    assert "重病住院" in client.get("/dues/org/ZZ/summary/").content.decode()
    r = client.post(f"/dues/relief/{relief.pk}/decide/", {"decision": "approve", "next": "/dues/org/ZZ/summary/"})
    assert r.status_code == 302 and r.url == "/dues/org/ZZ/summary/"
    assert DuesRelief.objects.get().status == "approved"


def test_the_branch_may_not_approve_its_own_proposal(client, dues):
    relief = propose(dues)
    for who in ("secretary", "member", "outsider"):
        client.force_login(getattr(dues, who))
        assert client.post(f"/dues/relief/{relief.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert DuesRelief.objects.get().status == "proposed"


def test_a_rejection_needs_a_note(client, dues):
    relief = propose(dues)
    client.force_login(dues.officer)
    r = client.post(f"/dues/relief/{relief.pk}/decide/", {"decision": "reject"}, follow=True)
    assert "请填写审批意见" in r.content.decode()
    assert client.get(f"/dues/relief/{relief.pk}/decide/").status_code == 405
    assert client.post("/dues/relief/999999/decide/", {"decision": "approve"}).status_code == 404
