"""A member on a phone: lands on 我的 and sees their own record in full, on a 375 px screen."""

import re

import pytest
from playwright.sync_api import expect

from orglife.orgs.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_shows_the_member_their_own_record_on_a_phone(phone, demo_data, login):
    me = Member.objects.select_related("org").get(user__username="dangyuan")

    login(phone, "dangyuan")
    expect(phone).to_have_url(re.compile(r"/me/$"))
    expect(phone.get_by_role("heading", name="我的", exact=True)).to_be_visible()
    expect(phone.get_by_text(me.name, exact=True)).to_be_visible()
    # Their own ID number in full, not the masked form others see.
    expect(phone.locator("dl.facts")).to_contain_text(me.id_number)
    expect(phone.locator("dl.facts")).not_to_contain_text(me.masked_id)

    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
