"""The read API: the pipeline and a file, scoped and masked like the pages."""

import pytest

from orglife.api.tests import ApiClient

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_pipeline_lists_the_subtree(demo):
    f.through(f.applicant(demo.zb1), "activist")
    r = ApiClient(demo.officer).get("/recruitment/orgs/ZZ/applicants")
    body = r.json()
    assert r.status_code == 200 and body["count"] == 1 and body["by_stage"]["2"] == 1
    assert body["items"][0]["name"] == "陈小明" and body["items"][0]["late"] is True


def test_a_file_with_findings_masked_for_viewers(demo):
    from orglife.core.models import Role
    from orglife.orgs.services import grant_role

    a = f.through(f.applicant(demo.zb1), "activist")
    own = ApiClient(demo.secretary).get(f"/recruitment/applicants/{a.pk}").json()
    assert own["id_number"] == a.id_number and [s["step"] for s in own["steps"]] == ["application", "talk", "activist"]
    assert [(x["rule"], x["level"]) for x in own["findings"]] == [("dev.activist_assessment", "error")]
    grant_role(actor=None, user=demo.outsider, org=demo.zb1, role=Role.VIEWER)
    seen = ApiClient(demo.outsider).get(f"/recruitment/applicants/{a.pk}").json()
    assert seen["id_number"] == a.masked_id and seen["phone"] == a.masked_phone


def test_it_refuses_outsiders_and_anonymous(demo):
    a = f.applicant(demo.zb1)
    assert ApiClient(demo.outsider).get(f"/recruitment/applicants/{a.pk}").status_code == 403
    assert ApiClient(demo.member).get("/recruitment/orgs/ZB1/applicants").status_code == 403
    assert ApiClient().get("/recruitment/orgs/ZB1/applicants").status_code == 401
    assert ApiClient(demo.secretary).get("/recruitment/applicants/999").status_code == 404
