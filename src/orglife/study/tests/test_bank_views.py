"""Question bank pages: list, add, edit, retire, import (all or nothing), export, template."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.study import bank_io, exam_demo, exam_services
from orglife.study.exam_models import BankImport, Question

pytestmark = pytest.mark.django_db


def xlsx(rows, header=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header or [label for _, label in bank_io.COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("bank.xlsx", out.getvalue())


def row(kind, stem, options=(), answer="", tags="", difficulty="中", explanation="", source=""):
    opts = list(options) + [""] * (bank_io.OPTION_COLUMNS - len(options))
    return [kind, stem, *opts, answer, tags, difficulty, explanation, source]


QUESTION = {"kind": "single", "stem": "党的最高领导机关是（）。", "options": "全国代表大会和中央委员会\n中央政治局",
            "answer": "A", "tags": "党章", "difficulty": "1", "explanation": "党章第十条", "source": "党章"}


def test_it_adds_a_question(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("bank_new", args=["ZB1"]), QUESTION)
    assert r.status_code == 302
    q = Question.objects.get()
    assert q.org == demo.zb1 and q.options == ["全国代表大会和中央委员会", "中央政治局"] and q.answer == [0] and q.tags == ["党章"]
    assert AuditEvent.objects.filter(action="question.create").exists()


def test_a_bad_question_keeps_what_was_typed(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("bank_new", args=["ZB1"]), {**QUESTION, "kind": "multiple", "answer": "A"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "多选题的答案至少两个字母" in page and "党的最高领导机关是" in page
    assert not Question.objects.exists()


def test_it_lists_own_and_higher_questions_and_filters_by_tag(client, demo):
    exam_demo.seed_bank(demo.dw)
    client.force_login(demo.secretary)
    r = client.get(reverse("bank_list", args=["ZB1"]), {"tag": "纪律"})
    assert r.status_code == 200 and r.context["page"].paginator.count == 2
    assert "修改" not in r.content.decode().split("<tbody>")[1]  # the 党委's questions are not the branch's to edit


def test_the_list_runs_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries):
    exam_demo.seed_bank(demo.zb1)
    client.force_login(demo.secretary)
    with django_assert_max_num_queries(12):
        client.get(reverse("bank_list", args=["ZB1"]))
    for i in range(40):
        Question.objects.create(org=demo.zb1, kind="judge", stem=f"判断{i}", answer=[True])
    with django_assert_max_num_queries(12):
        client.get(reverse("bank_list", args=["ZB1"]))


def test_it_edits_and_retires(client, demo):
    q = exam_demo.seed_bank(demo.zb1)[0]
    client.force_login(demo.secretary)
    r = client.post(reverse("bank_edit", args=[q.pk]), {**QUESTION, "stem": "改过的题干（）", "options": "甲\n乙", "answer": "B"})
    assert r.status_code == 302 and Question.objects.get(pk=q.pk).answer == [1]
    client.post(reverse("bank_archive", args=[q.pk]))
    assert Question.objects.get(pk=q.pk).archived


def test_a_question_used_in_an_exam_keeps_its_key(client, demo):
    questions = exam_demo.seed_bank(demo.zb1)
    exam = exam_demo.seed_exam(demo.zb1, questions[:3])
    exam_services.attempt_start(member=demo.m1, exam=exam)
    client.force_login(demo.secretary)
    r = client.post(reverse("bank_edit", args=[questions[0].pk]), {**QUESTION, "answer": "B"})
    assert "该题已用于考试" in r.content.decode()


def test_import_is_all_or_nothing_with_per_row_errors(client, demo):
    client.force_login(demo.secretary)
    upload = xlsx([
        row("单选题", "预备党员的预备期为（）。", ["半年", "一年"], "B", "党章", "易"),
        row("多选题", "三会是（）。", ["党员大会", "支委会", "党小组会"], "A"),
        row("问答题", "什么是党性？", [], "略"),
        row("填空题", "党的根本组织原则是____。", [], ""),
    ])
    r = client.post(reverse("bank_import", args=["ZB1"]), {"file": upload})
    page = r.content.decode()
    assert "未导入" in page and "多选题的答案至少两个字母" in page and "题型只能是" in page and "请填写答案" in page
    assert not Question.objects.exists()
    record = BankImport.objects.get()
    assert [e[0] for e in record.errors] == [3, 4, 5]
    report = client.get(reverse("bank_import_errors", args=[record.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert ws["A1"].value == "行号" and ws["A2"].value == 3


def test_import_writes_everything_and_reports_near_duplicates(client, demo):
    exam_demo.seed_bank(demo.zb1)
    client.force_login(demo.secretary)
    upload = xlsx([
        row("判断题", "党小组会只需每年召开一次!", [], "错"),  # near-duplicate of the bank
        row("填空题", "党支部党员大会一般每____召开一次", [], "季度；", "组织生活"),
        row("填空题", "入党誓词中要求永不____。", [], "叛党"),
        row("填空题", "入党誓词中要求永不____ 。", [], "叛党"),  # near-duplicate of the row above
    ])
    r = client.post(reverse("bank_import", args=["ZB1"]), {"file": upload})
    assert "填空题每个空都要有答案" in r.content.decode() or "题干有 1 个空" in r.content.decode()
    upload = xlsx([
        row("判断题", "党小组会只需每年召开一次!", [], "错"),
        row("填空题", "入党誓词中要求永不____。", [], "叛党"),
        row("填空题", "入党誓词中要求永不____ 。", [], "叛党"),
        row("判断题", "党员应当按期交纳党费。", [], "对", "党章、党费", "易"),
    ])
    r = client.post(reverse("bank_import", args=["ZB1"]), {"file": upload})
    page = r.content.decode()
    assert "已导入 4 道题" in page and "疑似重复" in page
    record = BankImport.objects.filter(accepted=True).get()
    assert [d[0] for d in record.duplicates] == [2, 4]
    assert record.duplicates[1][1] == "第3行"
    assert Question.objects.get(stem="党员应当按期交纳党费。").tags == ["党章", "党费"]


def test_import_refuses_a_file_that_is_not_xlsx(client, demo):
    client.force_login(demo.secretary)
    r = client.post(reverse("bank_import", args=["ZB1"]), {"file": SimpleUploadedFile("a.xlsx", b"not a spreadsheet")})
    assert "不是 Excel" in r.content.decode()


def test_template_and_export_round_trip(client, demo):
    exam_demo.seed_bank(demo.zb1)
    client.force_login(demo.secretary)
    template = client.get(reverse("bank_template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    r = client.post(reverse("bank_import", args=["ZB2"]), {})  # ZB2 is not the secretary's
    assert r.status_code == 403
    exported = client.get(reverse("bank_export", args=["ZB1"]))
    client.force_login(demo.officer)
    r = client.post(reverse("bank_import", args=["ZB2"]), {"file": SimpleUploadedFile("x.xlsx", exported.content)})
    assert "已导入 12 道题" in r.content.decode()
    a, b = Question.objects.filter(org=demo.zb1).order_by("id").last(), Question.objects.filter(org=demo.zb2).last()
    assert (a.kind, a.stem, a.answer, a.tags, a.difficulty) == (b.kind, b.stem, b.answer, b.tags, b.difficulty)
    client.force_login(demo.officer)
    r = client.post(reverse("bank_import", args=["ZB1"]), {"file": SimpleUploadedFile("t.xlsx", template.content)})
    assert "已导入 2 道题" in r.content.decode()


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_personas_without_management_get_403(client, demo, persona):
    q = exam_demo.seed_bank(demo.zb1)[0]
    client.force_login(getattr(demo, persona))
    for url in (reverse("bank_list", args=["ZB1"]), reverse("bank_new", args=["ZB1"]), reverse("bank_import", args=["ZB1"]),
                reverse("bank_export", args=["ZB1"]), reverse("bank_edit", args=[q.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("bank_archive", args=[q.pk])).status_code == 403


def test_wrong_org_and_wrong_method(client, demo):
    q = exam_demo.seed_bank(demo.zb3)[0]
    client.force_login(demo.secretary)
    assert client.get(reverse("bank_list", args=["ZB3"])).status_code == 403
    assert client.get(reverse("bank_edit", args=[q.pk])).status_code == 403
    assert client.get(reverse("bank_archive", args=[q.pk])).status_code == 405
    assert client.post(reverse("bank_list", args=["ZB1"])).status_code == 405
    assert client.get(reverse("bank_list", args=["NOPE"])).status_code == 404
