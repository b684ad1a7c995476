"""Load the demo organization: one 党委, 2 党总支, 7 党支部 (one with 党小组), ~150 members,
terms and posts, and four accounts. Seeded randomness: the same data every run."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from orglife.core.models import Role
from orglife.orgs import idcard, services
from orglife.orgs.demo_names import ETHNICITIES, GIVEN, REGIONS, SURNAMES, TITLES, UNITS
from orglife.orgs.models import Category, Member, Organization, OrgKind, Post

PASSWORD = "orglife-demo-2026"
ACCOUNTS = [
    # username, what they are, grant (org code, role, recursive) or None
    ("admin", "系统管理员", ("DW01", Role.ADMINISTRATOR, True)),
    ("zongzhi", "党总支组织委员（管理两个党支部）", ("ZZ02", Role.MANAGER, True)),
    ("shuji", "党支部书记", ("ZB01", Role.MANAGER, True)),
    ("dangyuan", "党员", None),
]

# code, name, kind, parent code, members, probationary, term start (None = no term), committee?
TREE = [
    ("DW01", "城东区教育局委员会", OrgKind.COMMITTEE, None, 0, 0, dt.date(2023, 6, 20), True),
    ("ZZ01", "城东第一中学总支部委员会", OrgKind.GENERAL_BRANCH, "DW01", 0, 0, dt.date(2024, 3, 15), True),
    ("ZZ02", "城东第二中学总支部委员会", OrgKind.GENERAL_BRANCH, "DW01", 0, 0, dt.date(2024, 4, 10), True),
    ("ZB01", "第一中学高中部支部委员会", OrgKind.BRANCH, "ZZ01", 32, 3, dt.date(2024, 5, 8), True),
    ("ZB02", "第一中学初中部支部委员会", OrgKind.BRANCH, "ZZ01", 41, 2, dt.date(2024, 9, 12), True),
    ("ZB03", "第一中学行政后勤支部委员会", OrgKind.BRANCH, "ZZ01", 18, 1, dt.date(2024, 1, 20), True),
    ("ZB04", "第二中学教工第一支部委员会", OrgKind.BRANCH, "ZZ02", 22, 2, dt.date(2023, 6, 30), True),
    ("ZB05", "第二中学教工第二支部委员会", OrgKind.BRANCH, "ZZ02", 19, 1, dt.date(2024, 6, 5), True),
    ("ZB06", "离退休教职工党支部", OrgKind.BRANCH, "DW01", 14, 0, dt.date(2024, 11, 2), True),
    ("ZB07", "教育局机关党支部", OrgKind.BRANCH, "DW01", 5, 1, dt.date(2025, 3, 1), False),
]
GROUPS = [("XZ01", "高中部第一党小组", "ZB01"), ("XZ02", "高中部第二党小组", "ZB01"), ("XZ03", "高中部第三党小组", "ZB01")]
COMMITTEE_POSTS = [Post.SECRETARY, Post.ORGANIZATION_OFFICER, Post.PUBLICITY_OFFICER, Post.DISCIPLINE_OFFICER, Post.DEPUTY_SECRETARY]


def person(rng: random.Random, used: set[str], retired: bool = False) -> dict:
    while True:
        born = dt.date(rng.randint(1950, 1962) if retired else rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28))
        male = rng.random() < 0.5
        seq = rng.randrange(0, 999, 2) + (1 if male else 0)
        number = idcard.make_id(rng.choice(REGIONS), born, seq % 1000)
        if number not in used:
            used.add(number)
            break
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return {
        "name": rng.choice(SURNAMES) + given,
        "id_number": number,
        "ethnicity": rng.choice(ETHNICITIES),
        "phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        "education": rng.choice(["postgraduate", "bachelor", "bachelor", "bachelor", "college"]),
        "work_unit": f"{rng.choice(UNITS)}{rng.choice(TITLES)}" if not retired else "已退休",
    }


class Command(BaseCommand):
    help = "载入演示组织、党员和账号（固定随机种子，每次结果相同）"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="数据库已有组织时不做任何事")

    def handle(self, *args, if_empty=False, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                return
            self.stderr.write("数据库已有组织，演示数据只能载入空数据库。")
            raise SystemExit(1)
        with transaction.atomic():
            self.build()
            self.load_checklists()
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入。账号（密码均为 {PASSWORD}）："))
        for username, what, _ in ACCOUNTS:
            self.stdout.write(f"  {username:<10} {what}")

    def load_checklists(self) -> None:
        """The shipped checklists (the branch standardization self-check), so that a trial can
        launch a self-inspection campaign at once."""
        from orglife.inspection import campaign_services

        for path in sorted(campaign_services.CHECKLISTS_DIR.glob("*.yaml")):
            try:
                checklist = campaign_services.checklist_load_file(actor=None, path=path)
            except campaign_services.ChecklistRejected:  # this version is already loaded
                continue
            self.stdout.write(f"已载入检查清单：{checklist}")

    def build(self) -> None:
        rng = random.Random(20260701)
        used: set[str] = set()
        today = dt.date(2026, 11, 30)
        orgs: dict[str, Organization] = {}
        for code, name, kind, parent, *_ in TREE:
            orgs[code] = services.org_create(actor=None, parent=orgs.get(parent), code=code, name=name, kind=kind,
                                             established_on=dt.date(2010 + len(orgs), 7, 1))
        for code, name, parent in GROUPS:
            orgs[code] = services.org_create(actor=None, parent=orgs[parent], code=code, name=name,
                                             kind=OrgKind.PARTY_GROUP, established_on=dt.date(2018, 9, 1))
        members: dict[str, list[Member]] = {}
        for code, _name, _kind, _parent, size, probationary, _term, _committee in TREE:
            members[code] = []
            for i in range(size):
                data = person(rng, used, retired=(code == "ZB06"))
                born = idcard.birth_date(data["id_number"])
                earliest = dt.date(born.year + 19, born.month, born.day)
                admitted = min(earliest + dt.timedelta(days=rng.randint(0, 9000)), dt.date(2024, 6, 30))
                is_prob = i >= size - probationary
                if is_prob:
                    admitted = dt.date(2026, rng.randint(1, 9), rng.randint(1, 28))
                data.update(
                    category=Category.PROBATIONARY if is_prob else Category.FULL,
                    admitted_on=admitted,
                    full_member_on=None if is_prob else admitted + dt.timedelta(days=365 + rng.randint(0, 20)),
                    org=code,
                    party_group=f"XZ0{i % 3 + 1}" if code == "ZB01" else "",
                    leading_cadre=(code == "ZB07" and i == 0),
                )
                members[code].append(services.member_create(actor=None, data=data, today=today))
        self.terms(orgs, members)
        self.accounts(orgs, members)
        self.meetings(orgs, members)
        from orglife.recruitment import demo as recruitment_demo

        recruitment_demo.seed(orgs)  # applicants at each stage of 发展党员
        from orglife.dues import demo as dues_demo

        dues_demo.seed(members, today)  # dues profiles and this year's payments
        from orglife.study import exam_demo

        exam_demo.seed_demo(orgs["ZB01"])  # a small question bank, an open exam and a quiz challenge
        from orglife.study import plan_demo

        plan_demo.seed(orgs["ZB01"], members["ZB01"], today)  # the 2026 study plan, linked to meetings and the exam
        from orglife.inspection import life_demo

        life_demo.seed(orgs["ZB01"], today)  # the 2026 组织生活会 being prepared
        from orglife.evaluation import appraisal_demo

        appraisal_demo.seed(orgs["ZB01"], today)  # last year's 民主评议党员 finished, this year's in 个人自评

    def terms(self, orgs, members) -> None:
        for code, _name, _kind, _parent, size, _prob, started, committee in TREE:
            if started is None or size == 0:
                continue
            term = services.term_start(actor=None, org=orgs[code], started_on=started)
            posts = COMMITTEE_POSTS[: (5 if size > 30 else 4)] if committee else [Post.SECRETARY]
            for member, post in zip(members[code], posts, strict=False):
                services.post_assign(actor=None, term=term, member=member, post=post)
        for code, _name, parent in GROUPS:
            term = services.term_start(actor=None, org=orgs[code], started_on=dt.date(2024, 5, 8),
                                       expires_on=dt.date(2027, 5, 7))
            leader = next(m for m in members[parent][5:] if m.party_group_id == orgs[code].pk)
            services.post_assign(actor=None, term=term, member=leader, post=Post.GROUP_LEADER)
        # The 党委 and 总支 terms are held by members of their branches.
        for code, source in (("DW01", "ZB07"), ("ZZ01", "ZB01"), ("ZZ02", "ZB04")):
            term = services.term_start(actor=None, org=orgs[code], started_on=next(t[6] for t in TREE if t[0] == code))
            for member, post in zip(members[source][:3], [Post.SECRETARY, Post.ORGANIZATION_OFFICER, Post.PUBLICITY_OFFICER], strict=True):
                services.post_assign(actor=None, term=term, member=member, post=post)

    def accounts(self, orgs, members) -> None:
        User = get_user_model()
        linked = {"shuji": members["ZB01"][0], "dangyuan": members["ZB01"][7], "zongzhi": members["ZB04"][1]}
        for username, _what, grant in ACCOUNTS:
            user = User.objects.create_user(username=username, password=PASSWORD, is_superuser=(username == "admin"),
                                            is_staff=(username == "admin"))
            if grant:
                org_code, role, recursive = grant
                services.grant_role(actor=None, user=user, org=orgs[org_code], role=role, recursive=recursive)
            if username in linked:
                services.member_link_user(actor=None, member=linked[username], user=user)

    # Two branches keep their organizational life on record for 2026 up to November (so the
    # compliance pages show both kept and missed obligations); the others have no records yet.
    DEMO_TOPICS = ["学习党的二十届三中全会精神", "重温入党誓词", "学习《中国共产党章程》", "党纪学习教育", "开展志愿服务",
                   "学习习近平总书记重要讲话精神", "庆祝建党105周年", "学习《中国共产党支部工作条例（试行）》",
                   "教师节主题党日", "学习全国教育大会精神", "组织生活会前集中学习"]

    def meetings(self, orgs, members) -> None:
        from orglife.meetings import services as meeting_services

        tz = dt.timezone(dt.timedelta(hours=8))
        for code in ("ZB01", "ZB04"):
            org, people = orgs[code], members[code]
            for month in range(1, 12):
                first_of_quarter = month % 3 == 1
                kinds = ["theme_day"] + (["assembly", "party_lecture"] if first_of_quarter else [])
                held = dt.datetime(2026, month, 15, 14, 30, tzinfo=tz)
                fields = dict(
                    held_at=held, place="学校党员活动室", host=people[0].pk, recorder=people[1].pk,
                    topic=f"{month}月主题党日：{self.DEMO_TOPICS[month - 1]}",
                    minutes=f"书记{people[0].name}主持。全体党员{self.DEMO_TOPICS[month - 1]}，交流学习体会，"
                            "部署下阶段工作。",
                )
                if first_of_quarter:
                    fields.update(agenda="一、集中学习；二、党课；三、审议支部工作", lecturer=people[0].name,
                                  content_category="theory")
                meeting = meeting_services.meeting_create(actor=None, org=org, kinds=kinds, **fields)
                meeting_services.meeting_start(actor=None, meeting=meeting, now=held)
                rows = [{"member": a.member_id, "status": "present"} for a in meeting.attendance.all()]
                for row in rows[-2:]:
                    row.update(status="on_leave", reason="外出培训")
                meeting_services.attendance_set(actor=None, meeting=meeting, rows=rows)
                meeting_services.meeting_submit(actor=None, meeting=meeting, today=held.date(),
                                                now=held + dt.timedelta(hours=3))
                self.committee_meeting(org, people, dt.datetime(2026, month, 8, 16, 0, tzinfo=tz))

    def committee_meeting(self, org, people, held) -> None:
        from orglife.meetings import services as meeting_services

        meeting = meeting_services.meeting_create(
            actor=None, org=org, kinds=["committee_meeting"], held_at=held, place="支部办公室",
            host=people[0].pk, recorder=people[1].pk, topic=f"{held.month}月支委会：研究本月主题党日安排",
            minutes="支委逐一发言，确定本月主题党日内容和分工，研究党员教育管理工作。",
        )
        meeting_services.meeting_start(actor=None, meeting=meeting, now=held)
        rows = [{"member": a.member_id, "status": "present"} for a in meeting.attendance.all()]
        meeting_services.attendance_set(actor=None, meeting=meeting, rows=rows)
        meeting_services.meeting_submit(actor=None, meeting=meeting, today=held.date(),
                                        now=held + dt.timedelta(hours=2))
