"""A committee officer sees exactly their subtree: zongzhi manages 总支 ZZ02 and its two branches
(ZB04, ZB05) and nothing under ZZ01."""

import re

import pytest
from playwright.sync_api import expect

from orglife.orgs.models import ON_ROSTER, Member, Organization

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_shows_the_officers_subtree_and_refuses_the_rest(page, demo_data, login):
    names = dict(Organization.objects.filter(code__in=["ZZ02", "ZB01", "ZB04", "ZB05"]).values_list("code", "name"))

    login(page, "zongzhi")
    expect(page).to_have_url(re.compile(r"/orgs/$"))
    tree = page.locator(".tree")
    expect(tree.get_by_role("link", name=names["ZZ02"])).to_be_visible()
    expect(tree.get_by_role("link", name=names["ZB04"])).to_be_visible()
    expect(tree.get_by_role("link", name=names["ZB05"])).to_be_visible()
    expect(page.get_by_text(names["ZB01"])).to_have_count(0)

    # A branch inside the subtree: its roster lists its members.
    on_roster = Member.objects.filter(org__code="ZB04", status__in=ON_ROSTER)
    first = on_roster.order_by("id").first()
    page.goto("/orgs/ZB04/members/")
    expect(page.get_by_role("heading", name="党员名册")).to_be_visible()
    expect(page.get_by_text(f"共 {on_roster.count()} 人")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(min(on_roster.count(), 20))
    expect(page.get_by_role("link", name=first.name, exact=True).first).to_be_visible()

    # A branch outside it: refused, not hidden behind a 404.
    response = page.goto("/orgs/ZB01/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="无权访问")).to_be_visible()
    expect(page.get_by_text(names["ZB01"])).to_have_count(0)
