import pytest
from django.urls import reverse

from orglife.orgs import services
from orglife.orgs.tests.helpers import bulk_members

pytestmark = pytest.mark.django_db


def url(member):
    return reverse("member_detail", args=[member.pk])


def test_it_shows_full_personal_data_to_managers(client, demo):
    client.force_login(demo.officer)
    body = client.get(url(demo.m1)).content.decode()
    assert demo.m1.id_number in body and "13812345678" in body
    assert "有表决权" in body and "编辑" in body


def test_it_masks_personal_data_for_viewers(client, demo, django_user_model):
    viewer = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=viewer, org=demo.zz, role="viewer")
    client.force_login(viewer)
    body = client.get(url(demo.m1)).content.decode()
    assert demo.m1.id_number not in body and demo.m1.masked_id in body
    assert "138****5678" in body and "编辑" not in body
    # The masked digits are the birth date (YYYYMMDD): showing it would unmask the number.
    assert "1990年5月17日" not in body and "岁" in body


def test_it_shows_the_birth_date_to_managers(client, demo):
    client.force_login(demo.officer)
    assert "1990年5月17日" in client.get(url(demo.m1)).content.decode()


def test_the_member_sees_their_own_record_in_full(client, demo):
    client.force_login(demo.member)
    body = client.get(url(demo.m1)).content.decode()
    assert demo.m1.id_number in body


def test_it_shows_history_and_party_age(client, demo):
    client.force_login(demo.secretary)
    body = client.get(url(demo.m1)).content.decode()
    assert "组织关系记录" in body and "第一党支部" in body
    assert "党龄" in body and " 年" in body


@pytest.mark.parametrize("persona,target,status", [
    ("member", "m2", 403), ("officer", "m3", 403), ("secretary", "m3", 403), ("outsider", "m1", 403),
    ("admin", "m3", 200),
])
def test_it_is_scoped(client, demo, persona, target, status):
    client.force_login(getattr(demo, persona))
    assert client.get(url(getattr(demo, target))).status_code == status


def test_it_404s_for_unknown_member(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("member_detail", args=[999999])).status_code == 404


def test_it_rejects_post(client, demo):
    client.force_login(demo.admin)
    assert client.post(url(demo.m1)).status_code == 405


def test_query_count_is_bounded(client, demo, django_assert_max_num_queries):
    bulk_members(demo.zb1, 200)
    client.force_login(demo.officer)
    with django_assert_max_num_queries(12):
        assert client.get(url(demo.m1)).status_code == 200
