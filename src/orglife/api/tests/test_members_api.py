from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orglife.conftest import make_member, member_data, new_id
from orglife.core.models import AuditEvent, Role
from orglife.orgs import idcard, services
from orglife.orgs.models import Member, Organization

from . import ApiClient, errors

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(m["name"] for m in response.json()["items"])


@pytest.fixture
def viewer(demo):
    user = get_user_model().objects.create_user("viewer", password="Secret-pass-2026")
    services.grant_role(actor=None, user=user, org=demo.zb1, role=Role.VIEWER)
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="Secret-pass-2026")


def bad_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


# ---------------------------------------------------------------- auth and scope


def test_it_requires_a_token(demo):
    assert ApiClient().get("/members").status_code == 401
    assert ApiClient().get(f"/members/{demo.m1.pk}").status_code == 401
    assert ApiClient().post("/members", member_data("ZB1")).status_code == 401
    assert ApiClient().patch(f"/members/{demo.m1.pk}", {"phone": ""}).status_code == 401
    assert Member.objects.count() == 3


def test_it_lists_the_officers_scope(demo):
    r = ApiClient(demo.officer).get("/members")
    assert names(r) == ["李四", "王五"]
    assert r.json()["count"] == 2


def test_it_lists_everything_for_a_superuser(demo, superuser):
    assert names(ApiClient(superuser).get("/members")) == ["李四", "王五", "赵六"]


def test_it_lists_the_subtree_by_default(demo):
    api = ApiClient(demo.admin)
    assert names(api.get("/members", org="ZZ")) == ["李四", "王五"]
    assert names(api.get("/members", org="ZZ", subtree="false")) == []
    assert names(api.get("/members", org="ZB1", subtree="false")) == ["李四", "王五"]
    assert names(api.get("/members", org="XZ1")) == ["李四"]  # a 党小组: its group members
    assert names(api.get("/members", org="DW")) == ["李四", "王五", "赵六"]


def test_it_forbids_an_org_out_of_scope(demo):
    api = ApiClient(demo.officer)
    r = api.get("/members", org="ZB3")
    assert r.status_code == 403
    assert r.json() == {"detail": "您没有该组织的相应权限"}
    assert api.get("/members", org="NOPE").status_code == 404


def test_it_shows_a_member_in_scope(demo):
    r = ApiClient(demo.officer).get(f"/members/{demo.m1.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "李四"
    assert body["org"] == "ZB1" and body["org_name"] == "第一党支部"
    assert body["party_group"] == "XZ1"
    assert body["category"] == "full" and body["category_label"] == "正式党员"
    assert body["status"] == "active" and body["status_label"] == "正常"
    assert body["party_age"] is not None
    assert body["can_edit"] is True


def test_it_forbids_a_member_out_of_scope(demo):
    r = ApiClient(demo.officer).get(f"/members/{demo.m3.pk}")
    assert r.status_code == 403
    assert r.json() == {"detail": "您没有查看该党员的权限"}


def test_it_404s_an_unknown_member(demo):
    r = ApiClient(demo.admin).get("/members/999999")
    assert r.status_code == 404
    assert r.json() == {"detail": "党员不存在"}


def test_a_member_reads_their_own_record(demo):
    api = ApiClient(demo.member)
    r = api.get(f"/members/{demo.m1.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["id_number"] == demo.m1.id_number  # their own data, unmasked
    assert body["personal_data_masked"] is False
    assert body["can_edit"] is False
    assert api.get(f"/members/{demo.m2.pk}").status_code == 403
    # without grants the list holds only their own record
    assert names(api.get("/members")) == ["李四"]


def test_an_outsider_sees_no_one(demo):
    api = ApiClient(demo.outsider)
    assert names(api.get("/members")) == []
    assert api.get(f"/members/{demo.m1.pk}").status_code == 403


# ---------------------------------------------------------------- personal data


def test_a_viewer_gets_masked_personal_data(demo, viewer):
    api = ApiClient(viewer)
    item = next(m for m in api.get("/members").json()["items"] if m["id"] == demo.m2.pk)
    assert item["id_number"] == demo.m2.masked_id
    assert item["id_number"] != demo.m2.id_number
    assert "*" in item["id_number"] and item["id_number"][-4:] == demo.m2.id_number[-4:]
    assert item["phone"] == "138****5678"
    assert item["personal_data_masked"] is True
    assert item["can_edit"] is False
    detail = api.get(f"/members/{demo.m2.pk}").json()
    assert detail["id_number"] == demo.m2.masked_id
    assert detail["phone"] == demo.m2.masked_phone
    # The 8 masked digits are the birth date: giving it would give the whole number back.
    assert item["birth_date"] is None and detail["birth_date"] is None


def test_a_manager_gets_full_personal_data(demo):
    for user in (demo.secretary, demo.officer, demo.admin):
        item = next(m for m in ApiClient(user).get("/members").json()["items"] if m["id"] == demo.m2.pk)
        assert item["id_number"] == demo.m2.id_number
        assert item["phone"] == "13812345678"
        assert item["personal_data_masked"] is False


def test_a_viewer_cannot_search_hidden_id_digits(demo, viewer):
    tail = demo.m2.id_number[-6:]
    assert names(ApiClient(viewer).get("/members", q=demo.m2.id_number[-4:])) == ["王五"]
    assert names(ApiClient(viewer).get("/members", q=tail)) == []
    assert names(ApiClient(demo.secretary).get("/members", q=tail)) == ["王五"]


# ---------------------------------------------------------------- filters


def test_it_filters_by_status_category_and_search(demo):
    make_member("ZB1", name="钱七", category="probationary", full_member_on=None)
    gone = make_member("ZB1", name="孙八")
    services.member_update(actor=None, member=gone, data={"status": "transferred_out"})
    api = ApiClient(demo.secretary)
    assert names(api.get("/members")) == ["李四", "王五", "钱七"]  # on the roster
    assert names(api.get("/members", status="all")) == ["孙八", "李四", "王五", "钱七"]
    assert names(api.get("/members", status="transferred_out")) == ["孙八"]
    assert names(api.get("/members", category="probationary")) == ["钱七"]
    assert names(api.get("/members", q="王")) == ["王五"]
    assert names(api.get("/members", q="ls")) == ["李四"]
    assert names(api.get("/members", q=demo.m1.id_number[-4:])) == ["李四"]


def test_it_rejects_bad_list_parameters(demo):
    api = ApiClient(demo.secretary)
    r = api.get("/members", status="gone")
    assert r.status_code == 400
    assert errors(r)["status"].startswith("党员状态的取值无效")
    r = api.get("/members", subtree="perhaps")
    assert errors(r) == {"subtree": "是否包含下级组织应为true或false"}
    r = api.get("/members", limit=1000)
    assert errors(r) == {"limit": "每页条数不能大于200"}


def test_it_paginates(demo):
    api = ApiClient(demo.admin)
    first = api.get("/members", limit=2).json()
    second = api.get("/members", limit=2, offset=2).json()
    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    ids = [m["id"] for m in first["items"] + second["items"]]
    assert sorted(ids) == sorted([demo.m1.pk, demo.m2.pk, demo.m3.pk])


def test_the_list_runs_a_bounded_number_of_queries(demo):
    api = ApiClient(demo.officer)

    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            r = api.get("/members", limit=200)
        assert r.status_code == 200
        return len(ctx.captured_queries), r.json()["count"]

    for i in range(8):
        make_member("ZB1" if i % 2 else "ZB2", party_group="XZ1" if i % 4 == 1 else "")
    small, total = count_queries()
    assert total == 10
    for i in range(50):
        make_member("ZB1" if i % 2 else "ZB2", party_group="XZ1" if i % 4 == 1 else "")
    large, total = count_queries()
    assert total == 60
    assert large == small
    assert small <= 5, small  # token, last-used update, grants, count, page


def test_the_list_query_budget(demo, django_assert_max_num_queries):
    for _ in range(20):
        make_member("ZB1")
    api = ApiClient(demo.secretary)
    with django_assert_max_num_queries(7):
        r = api.get("/members", org="ZB1")
    assert r.json()["count"] == 22


# ---------------------------------------------------------------- POST


def test_it_creates_a_member(demo):
    data = member_data("ZB1", name="周九", party_group="XZ1", education="bachelor", leading_cadre=True)
    r = ApiClient(demo.secretary).post("/members", data)
    assert r.status_code == 201, r.content
    body = r.json()
    member = Member.objects.get(pk=body["id"])
    assert member.name == "周九" and member.org_id == demo.zb1.pk and member.party_group_id == demo.xz1.pk
    assert member.gender == idcard.gender(data["id_number"])
    assert member.leading_cadre is True
    assert body["id_number"] == data["id_number"]
    assert body["party_group"] == "XZ1" and body["education_label"] == "大学本科"
    event = AuditEvent.objects.get(action="member.create", target_id=str(member.pk))
    assert event.actor == demo.secretary
    assert Organization.objects.get(pk=demo.zb1.pk).member_count == 3


def test_it_accepts_chinese_choice_labels_like_the_form(demo):
    data = member_data("ZB1", name="吴十", category="预备党员", full_member_on=None, status="正常")
    r = ApiClient(demo.secretary).post("/members", data)
    assert r.status_code == 201, r.content
    assert r.json()["category"] == "probationary"


def test_it_refuses_a_bad_id_checksum_with_the_service_message(demo):
    data = member_data("ZB1", id_number=bad_checksum(new_id()))
    r = ApiClient(demo.secretary).post("/members", data)
    assert r.status_code == 400
    assert errors(r)["id_number"] == "公民身份号码校验位错误，请核对号码"
    with pytest.raises(services.ServiceError) as exc:
        services.member_create(actor=demo.secretary, data=data)
    assert errors(r) == exc.value.errors
    assert Member.objects.count() == 3


def test_it_refuses_a_duplicate_id(demo):
    r = ApiClient(demo.secretary).post("/members", member_data("ZB1", id_number=demo.m2.id_number))
    assert r.status_code == 400
    assert errors(r) == {"id_number": "该公民身份号码已登记在其他党员名下"}


def test_it_reports_missing_fields_like_the_service(demo):
    r = ApiClient(demo.secretary).post("/members", {"phone": "13812345678"})
    assert r.status_code == 400
    assert errors(r) == {
        "name": "姓名不能为空",
        "id_number": "公民身份号码不能为空",
        "category": "人员类别不能为空",
        "admitted_on": "入党日期不能为空",
        "org": "所在党组织编码不能为空",
    }


def test_it_refuses_an_org_the_caller_does_not_manage(demo):
    r = ApiClient(demo.secretary).post("/members", member_data("ZB3"))
    assert r.status_code == 400
    assert errors(r) == {"org": "党组织“第三党支部”（ZB3）不在您可管理的范围内"}
    r = ApiClient(demo.member).post("/members", member_data("ZB1"))
    assert r.status_code == 400
    assert "不在您可管理的范围内" in errors(r)["org"]
    assert Member.objects.count() == 3


def test_it_reports_service_rules_per_field(demo):
    data = member_data("ZB1", admitted_on=dt.date(2015, 7, 1), full_member_on=dt.date(2015, 1, 1),
                       gender="女", phone="12345")
    r = ApiClient(demo.secretary).post("/members", data)
    assert r.status_code == 400
    assert errors(r) == {
        "full_member_on": "转正日期应晚于入党日期",
        "gender": "性别与公民身份号码不符（号码对应男）",
        "phone": "手机号码格式不正确（应为11位手机号或带区号的固话）",
    }


def test_malformed_requests_are_400_in_the_same_shape(demo):
    api = ApiClient(demo.secretary)
    r = api.post("/members", raw="{not json")
    assert r.status_code == 400
    assert r.json() == {"errors": [{"field": "__body__", "message": "请求体不是有效的JSON"}]}

    r = api.post("/members", raw="[1, 2]")
    assert r.status_code == 400
    assert errors(r) == {"__body__": "请求体应为JSON对象"}

    r = api.post("/members", member_data("ZB1", birth_date="yesterday", leading_cadre="maybe", name=42, color="red"))
    assert r.status_code == 400
    assert errors(r) == {
        "birth_date": "出生日期格式不正确，应为YYYY-MM-DD",
        "leading_cadre": "党员领导干部应为true或false",
        "name": "姓名应为文本",
        "color": "不支持的字段“color”",
    }
    assert Member.objects.count() == 3


# ---------------------------------------------------------------- PATCH


def test_it_updates_only_the_fields_sent(demo):
    before = Member.objects.get(pk=demo.m2.pk)
    r = ApiClient(demo.secretary).patch(f"/members/{demo.m2.pk}", {"phone": "13900001111", "work_unit": "某局 科员"})
    assert r.status_code == 200, r.content
    assert r.json()["phone"] == "13900001111"
    after = Member.objects.get(pk=demo.m2.pk)
    assert after.phone == "13900001111" and after.work_unit == "某局 科员"
    assert (after.name, after.id_number, after.admitted_on, after.org_id) == (
        before.name, before.id_number, before.admitted_on, before.org_id)
    event = AuditEvent.objects.get(action="member.update", target_id=str(demo.m2.pk))
    assert event.actor == demo.secretary
    assert event.changes == {"phone": ["13812345678", "13900001111"], "work_unit": ["", "某局 科员"]}


def test_it_moves_a_member_within_the_managers_scope(demo):
    r = ApiClient(demo.officer).patch(f"/members/{demo.m2.pk}", {"org": "ZB2"})
    assert r.status_code == 200, r.content
    assert r.json()["org"] == "ZB2"
    assert Organization.objects.get(pk=demo.zb2.pk).member_count == 1
    r = ApiClient(demo.officer).patch(f"/members/{demo.m2.pk}", {"org": "ZB3"})
    assert r.status_code == 400
    assert errors(r) == {"org": "党组织“第三党支部”（ZB3）不在您可管理的范围内"}


def test_it_refuses_an_invalid_patch_and_writes_nothing(demo):
    api = ApiClient(demo.secretary)
    r = api.patch(f"/members/{demo.m2.pk}", {"full_member_on": "2000-01-01"})
    assert r.status_code == 400
    assert errors(r) == {"full_member_on": "转正日期应晚于入党日期"}
    r = api.patch(f"/members/{demo.m2.pk}", {"name": None})
    assert errors(r) == {"name": "姓名不能为空"}
    r = api.patch(f"/members/{demo.m2.pk}", {"id_number": bad_checksum(demo.m2.id_number)})
    assert errors(r) == {"id_number": "公民身份号码校验位错误，请核对号码"}
    assert not AuditEvent.objects.filter(action="member.update").exists()
    assert Member.objects.get(pk=demo.m2.pk).full_member_on == demo.m2.full_member_on


def test_only_managers_may_patch(demo, viewer):
    body = {"phone": "13900001111"}
    r = ApiClient(viewer).patch(f"/members/{demo.m2.pk}", body)
    assert r.status_code == 403
    assert r.json() == {"detail": "您没有管理该党员的权限"}
    assert ApiClient(demo.officer).patch(f"/members/{demo.m3.pk}", body).status_code == 403
    assert ApiClient(demo.member).patch(f"/members/{demo.m1.pk}", body).status_code == 403
    assert ApiClient(demo.admin).patch("/members/999999", body).status_code == 404
    assert Member.objects.get(pk=demo.m2.pk).phone == "13812345678"


def test_an_empty_patch_changes_nothing(demo):
    r = ApiClient(demo.secretary).patch(f"/members/{demo.m2.pk}", {})
    assert r.status_code == 200
    assert not AuditEvent.objects.filter(action="member.update").exists()
