import pytest
from django.urls import reverse

from orglife.orgs.tests.helpers import bulk_members

pytestmark = pytest.mark.django_db


def test_administrators_browse_events_of_the_subtree(client, demo):
    client.force_login(demo.admin)
    r = client.get(reverse("org_audit", args=["ZZ"]))
    body = r.content.decode()
    assert r.status_code == 200
    assert "登记党员" in body and "李四" in body and "赵六" not in body  # 赵六 is in ZB3


def test_there_is_no_way_to_change_events(client, demo):
    client.force_login(demo.admin)
    assert client.post(reverse("org_audit", args=["ZZ"])).status_code == 405


@pytest.mark.parametrize("persona", ["secretary", "officer", "member", "outsider"])
def test_it_is_for_administrators_only(client, demo, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("org_audit", args=["ZB1"])).status_code == 403


def test_it_404s_for_unknown_org(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("org_audit", args=["NOPE"])).status_code == 404


def test_query_count_is_bounded(client, demo, django_assert_max_num_queries):
    bulk_members(demo.zb1, 100)
    client.force_login(demo.admin)
    with django_assert_max_num_queries(10):
        client.get(reverse("org_audit", args=["DW"]))


def test_a_non_recursive_administrator_sees_only_their_organization(client, demo, django_user_model):
    from orglife.orgs import services
    narrow = django_user_model.objects.create_user("narrow")
    services.grant_role(actor=None, user=narrow, org=demo.dw, role="administrator", recursive=False)
    client.force_login(narrow)
    body = client.get(reverse("org_audit", args=["DW"])).content.decode()
    assert "测试党委" in body  # DW's own events
    assert "李四" not in body and "赵六" not in body  # members of branches below are not theirs
