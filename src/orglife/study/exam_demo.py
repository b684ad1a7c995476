"""A small question bank and an open exam: demo data (seed_demo), tests and the benchmark."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import bank_services, exam_services
from .exam_models import Exam, ExamStatus, Question, QuizChallenge

SAMPLE = [
    {"kind": "single", "stem": "党的最高领导机关是（）。", "options": ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央军事委员会"],
     "answer": "A", "tags": "党章", "difficulty": "易", "explanation": "党章第十条：党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。", "source": "《中国共产党章程》"},
    {"kind": "single", "stem": "预备党员的预备期为（）。", "options": ["半年", "一年", "两年", "三年"],
     "answer": "B", "tags": "党章", "difficulty": "易", "explanation": "党章第七条：预备党员的预备期为一年。", "source": "《中国共产党章程》"},
    {"kind": "single", "stem": "党支部委员会每届任期一般为（）。", "options": ["两年", "三年", "四年", "五年"],
     "answer": "B", "tags": "组织生活", "difficulty": "中", "explanation": "党支部委员会每届任期3年。", "source": "《中国共产党支部工作条例（试行）》"},
    {"kind": "single", "stem": "党员领导干部应当以（）身份参加所在党支部或党小组的组织生活。", "options": ["领导干部", "普通党员", "列席人员", "指导人员"],
     "answer": "B", "tags": "组织生活", "difficulty": "中", "explanation": "双重组织生活制度。", "source": "《关于新形势下党内政治生活的若干准则》"},
    {"kind": "multiple", "stem": "“三会一课”中的“三会”是指（）。", "options": ["支部党员大会", "支部委员会", "党小组会", "民主生活会"],
     "answer": "ABC", "tags": "组织生活", "difficulty": "易", "explanation": "三会：支部党员大会、支部委员会、党小组会；一课：党课。", "source": "《中国共产党支部工作条例（试行）》"},
    {"kind": "multiple", "stem": "预备党员享有的权利不包括（）。", "options": ["表决权", "选举权", "被选举权", "发言权"],
     "answer": "ABC", "tags": "党章", "difficulty": "中", "explanation": "预备党员没有表决权、选举权和被选举权。", "source": "《中国共产党章程》"},
    {"kind": "multiple", "stem": "党的纪律处分包括（）。", "options": ["警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍"],
     "answer": "ABCDE", "tags": "纪律", "difficulty": "难", "explanation": "党章第四十条列出五种处分。", "source": "《中国共产党章程》"},
    {"kind": "judge", "stem": "党员无正当理由连续六个月不交纳党费，就被认为是自行脱党。", "answer": "对", "tags": "党章", "difficulty": "中",
     "explanation": "党章第九条。", "source": "《中国共产党章程》"},
    {"kind": "judge", "stem": "党小组会只需每年召开一次。", "answer": "错", "tags": "组织生活", "difficulty": "易",
     "explanation": "党小组会一般每月召开一次。", "source": "《中国共产党支部工作条例（试行）》"},
    {"kind": "judge", "stem": "留党察看期间的党员没有表决权、选举权和被选举权。", "answer": "对", "tags": "纪律", "difficulty": "难",
     "explanation": "党章第四十条。", "source": "《中国共产党章程》"},
    {"kind": "fill", "stem": "党支部党员大会一般每____召开一次。", "answer": "季度/季", "tags": "组织生活", "difficulty": "中",
     "explanation": "党员大会一般每季度召开1次。", "source": "《中国共产党支部工作条例（试行）》"},
    {"kind": "fill", "stem": "党的根本组织原则是____。", "answer": "民主集中制", "tags": "党章", "difficulty": "易",
     "explanation": "党章第十条。", "source": "《中国共产党章程》"},
]


def seed_bank(org, actor=None) -> list[Question]:
    """The sample questions in org's bank (those already there by stem are kept, not doubled)."""
    have = {q.stem: q for q in Question.objects.filter(org=org)}
    out = []
    for raw in SAMPLE:
        out.append(have.get(raw["stem"]) or bank_services.question_create(actor=actor, org=org, raw=raw))
    return out


def seed_exam(org, questions, *, actor=None, now: dt.datetime | None = None, title: str = "党章党规知识测试",
              days: int = 14, duration: int = 30, attempts: int = 2) -> Exam:
    now = now or timezone.now()
    existing = Exam.objects.filter(org=org, title=title).exclude(status=ExamStatus.CANCELLED).first()
    if existing:
        return existing
    exam = exam_services.exam_create(actor=actor, org=org, data={
        "title": title, "description": "闭卷理论测试，满分100分，60分及格。", "mode": "fixed",
        "question_ids": [q.pk for q in questions], "opens_at": now - dt.timedelta(hours=1),
        "closes_at": now + dt.timedelta(days=days), "duration_minutes": duration, "attempts_allowed": attempts,
        "pass_mark": 60, "show_answers": True,
    })
    return exam_services.exam_publish(actor=actor, exam=exam)


def seed_quiz(org, actor=None) -> QuizChallenge:
    from . import quiz_services

    existing = QuizChallenge.objects.filter(org=org).first()
    return existing or quiz_services.quiz_create(actor=actor, org=org, data={
        "title": "党章知识闯关", "tags": [], "levels": 2, "per_level": 3, "pass_count": 2, "active": True})


def seed_demo(org, actor=None) -> Exam:
    """seed_demo: a small bank, an open exam and a quiz challenge for one branch."""
    questions = seed_bank(org, actor)
    seed_quiz(org, actor)
    # Half the bank on the exam: a quiz never practises an open exam's questions (their keys
    # would show), so the other half is what the quiz draws from.
    return seed_exam(org, questions[::2], actor=actor)
