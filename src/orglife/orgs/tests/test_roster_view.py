import datetime as dt

import pytest
from django.urls import reverse

from orglife.conftest import make_member, new_id
from orglife.orgs.tests.helpers import bulk_members

pytestmark = pytest.mark.django_db


def url(code):
    return reverse("roster", args=[code])


def names(response):
    return [m.name for m, _ in response.context["rows"]]


def test_it_lists_the_subtree(client, demo):
    client.force_login(demo.officer)
    r = client.get(url("ZZ"))
    assert sorted(names(r)) == ["李四", "王五"]


def test_it_searches_by_pinyin_initials(client, demo):
    make_member("ZB1", name="张三丰")
    client.force_login(demo.secretary)
    assert names(client.get(url("ZB1"), {"q": "zsf"})) == ["张三丰"]
    assert names(client.get(url("ZB1"), {"q": "ZS"})) == ["张三丰"]
    assert names(client.get(url("ZB1"), {"q": "ww"})) == ["王五"]


def test_it_searches_by_last_digits_of_the_id(client, demo):
    client.force_login(demo.secretary)
    tail = demo.m2.id_number[-5:]
    assert names(client.get(url("ZB1"), {"q": tail})) == ["王五"]


def test_it_searches_by_name(client, demo):
    client.force_login(demo.secretary)
    assert names(client.get(url("ZB1"), {"q": "五"})) == ["王五"]


def test_it_filters_by_category_status_and_branch(client, demo):
    make_member("ZB2", name="钱七", category="probationary", full_member_on=None, admitted_on=dt.date(2026, 3, 1))
    make_member("ZB2", name="孙八", status="transferred_out")
    client.force_login(demo.officer)
    assert names(client.get(url("ZZ"), {"category": "probationary"})) == ["钱七"]
    assert "孙八" not in names(client.get(url("ZZ")))
    assert names(client.get(url("ZZ"), {"status": "transferred_out"})) == ["孙八"]
    assert sorted(names(client.get(url("ZZ"), {"branch": "ZB2"}))) == ["钱七"]
    # A branch outside the page's subtree is ignored rather than leaking its members.
    assert "赵六" not in names(client.get(url("ZZ"), {"branch": "ZB3"}))


def test_it_masks_personal_data_for_viewers(client, demo, django_user_model):
    from orglife.orgs import services
    viewer = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=viewer, org=demo.zb1, role="viewer")
    client.force_login(viewer)
    body = client.get(url("ZB1")).content.decode()
    assert demo.m1.id_number not in body and demo.m1.masked_id in body
    client.force_login(demo.secretary)
    assert demo.m1.id_number in client.get(url("ZB1")).content.decode()


def test_it_paginates(client, demo):
    bulk_members(demo.zb2, 45)
    client.force_login(demo.officer)
    r = client.get(url("ZB2"), {"page": 3})
    assert len(names(r)) == 5 and "第 3 / 3 页" in r.content.decode()


@pytest.mark.parametrize("persona,code,status", [
    ("officer", "ZB3", 403), ("secretary", "ZZ", 403), ("outsider", "ZB1", 403), ("member", "ZB1", 403),
    ("admin", "NOPE", 404),
])
def test_it_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(url(code)).status_code == status


def test_it_rejects_post(client, demo):
    client.force_login(demo.admin)
    assert client.post(url("ZB1")).status_code == 405


def test_query_count_does_not_grow_with_members(client, demo, django_assert_max_num_queries):
    client.force_login(demo.officer)
    bulk_members(demo.zb2, 10, group=None)
    with django_assert_max_num_queries(15) as small:
        client.get(url("ZZ"), {"q": "cs"})
    bulk_members(demo.zb2, 500)
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = client.get(url("ZZ"), {"q": "cs", "page": 10})
    assert len(names(r)) == 20


def test_new_id_helper_is_valid():
    from orglife.orgs.idcard import validate_id
    assert validate_id(new_id())


def test_a_party_group_roster_lists_its_group_members(client, demo):
    client.force_login(demo.secretary)
    assert names(client.get(url("XZ1"))) == ["李四"]
    assert names(client.get(url("ZB1"), {"branch": "XZ1"})) == ["李四"]


def test_viewers_cannot_probe_hidden_id_digits(client, demo, django_user_model):
    from orglife.orgs import services
    viewer = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=viewer, org=demo.zb1, role="viewer")
    client.force_login(viewer)
    number = demo.m2.id_number
    # The visible last 4 characters find the member; 6 characters (2 hidden) must not confirm them.
    assert names(client.get(url("ZB1"), {"q": number[-4:]})) == ["王五"]
    assert names(client.get(url("ZB1"), {"q": number[-6:]})) == []
    client.force_login(demo.secretary)
    assert names(client.get(url("ZB1"), {"q": number[-6:]})) == ["王五"]


@pytest.mark.parametrize("params", [{}, {"category": "full"}, {"category": "probationary"}, {"branch": "XZ1"},
                                    {"branch": "ZB2", "category": "probationary"}])
def test_the_cached_count_equals_the_real_count(client, demo, params):
    from orglife.orgs import queries
    bulk_members(demo.zb2, 23)
    client.force_login(demo.officer)
    r = client.get(url("ZZ"), params)
    f = queries.RosterFilter(category=params.get("category", ""), branch=params.get("branch", ""))
    base = queries.roster_base(demo.zz, f)
    assert queries.roster_count(base, f, demo.officer) is not None
    assert r.context["page"].paginator.count == queries.roster(demo.officer, base, f).count()


def test_pages_keep_the_roster_order(client, demo):
    bulk_members(demo.zb2, 45)
    client.force_login(demo.officer)
    seen = []
    for page in (1, 2, 3):
        seen += [m.pk for m, _ in client.get(url("ZZ"), {"page": page}).context["rows"]]
    from orglife.orgs.models import Member
    expected = list(Member.objects.filter(org__path__startswith=demo.zz.path).order_by("org_id", "id")
                    .values_list("id", flat=True))
    assert seen == expected


def test_a_non_recursive_grant_lists_only_its_own_organization(client, demo, django_user_model):
    """Grants on DW (not below) and on ZB1: the DW roster shows ZB1's members, not ZB3's."""
    from orglife.orgs import services
    viewer = django_user_model.objects.create_user("viewer")
    services.grant_role(actor=None, user=viewer, org=demo.dw, role="viewer", recursive=False)
    services.grant_role(actor=None, user=viewer, org=demo.zb1, role="viewer", recursive=False)
    client.force_login(viewer)
    r = client.get(url("DW"))
    assert sorted(names(r)) == ["李四", "王五"]
    assert r.context["page"].paginator.count == 2
    assert names(client.get(url("DW"), {"branch": "ZB3"})) == []
