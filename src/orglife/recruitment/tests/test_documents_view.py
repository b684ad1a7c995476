"""Uploading and downloading a step's documents; deleting a step; withdrawing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orglife.recruitment.models import ApplicantStatus, Document

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_upload_then_download(client, demo):
    a = f.applicant(demo.zb1)
    step = a.steps.get()
    client.force_login(demo.secretary)
    r = client.post(reverse("recruitment_document_add", args=[a.pk, step.pk]),
                    {"file": SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 text")}, follow=True)
    assert "已上传材料" in r.content.decode()
    doc = Document.objects.get()
    r = client.get(reverse("recruitment_document", args=[a.pk, doc.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")


def test_a_wrong_type_is_refused(client, demo):
    a = f.applicant(demo.zb1)
    client.force_login(demo.secretary)
    r = client.post(reverse("recruitment_document_add", args=[a.pk, a.steps.get().pk]),
                    {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")}, follow=True)
    assert "文件类型不支持" in r.content.decode() and not Document.objects.exists()


def test_documents_are_for_managers_only(client, demo):
    from orglife.core.models import Role
    from orglife.orgs.services import grant_role
    from orglife.recruitment import services

    a = f.applicant(demo.zb1)
    doc = services.document_add(actor=None, step=a.steps.get(), upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    grant_role(actor=None, user=demo.outsider, org=demo.zb1, role=Role.VIEWER)
    client.force_login(demo.outsider)
    assert client.get(reverse("recruitment_document", args=[a.pk, doc.pk])).status_code == 403
    client.force_login(demo.member)
    assert client.post(reverse("recruitment_document_add", args=[a.pk, a.steps.get().pk])).status_code == 403


def test_delete_a_step_and_withdraw(client, demo):
    a = f.through(f.applicant(demo.zb1), "talk")
    client.force_login(demo.secretary)
    talk = a.steps.get(step="talk")
    client.post(reverse("recruitment_step_delete", args=[a.pk, talk.pk]))
    assert not a.steps.filter(step="talk").exists()
    r = client.post(reverse("recruitment_withdraw", args=[a.pk]), {"reason": "本人撤回"}, follow=True)
    assert "已终止发展" in r.content.decode()
    a.refresh_from_db()
    assert a.status == ApplicantStatus.WITHDRAWN
    assert client.get(reverse("recruitment_step_delete", args=[a.pk, 1])).status_code == 405
