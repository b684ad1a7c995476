from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from treebeard.mp_tree import MP_Node

from orglife.rules import org_checks
from orglife.rules.loader import get_profile


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    PARTY_GROUP = "party_group", "党小组"
    LEADING_GROUP = "leading_group", "党组"


class Organization(MP_Node):
    """A node of the Party organization tree (materialized path: a subtree is one prefix query)."""

    code = models.CharField("组织编码", max_length=32, unique=True)
    name = models.CharField("组织名称", max_length=100)
    kind = models.CharField("组织类型", max_length=20, choices=OrgKind.choices)
    established_on = models.DateField("成立日期", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    rule_profile = models.CharField("规则配置方案", max_length=40, blank=True, help_text="留空则继承上级")
    # Cached counts of direct members on the roster, recomputed (never incremented) by services.
    member_count = models.PositiveIntegerField(default=0)
    full_member_count = models.PositiveIntegerField(default=0)


    class Meta:
        verbose_name = "党组织"

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind in org_checks.BRANCH_KINDS

    def ancestor_paths(self) -> list[str]:
        return [self.path[: i * self.steplen] for i in range(1, self.depth)]

    def effective_profile_name(self) -> str:
        """Own profile, else the nearest ancestor's (one query), else the national default."""
        if self.rule_profile:
            return self.rule_profile
        chain = (
            Organization.objects.filter(path__in=self.ancestor_paths())
            .exclude(rule_profile="")
            .order_by("-depth")
            .values_list("rule_profile", flat=True)[:1]
        )
        return next(iter(chain), "") or "national"

    def profile(self):
        return get_profile(self.effective_profile_name())


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Category(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Status(models.TextChoices):
    ACTIVE = "active", "正常"
    MOBILE = "mobile", "流动党员"
    SUSPENDED = "suspended", "停止党籍"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    # 取消预备党员资格 (党章 Art. 7, recorded by the recruitment file's conclusion): no longer a member.
    PROBATION_CANCELLED = "probation_cancelled", "已取消预备党员资格"
    DECEASED = "deceased", "已去世"


# Members in these statuses are on the roster and count toward the organization's size.
ON_ROSTER = (Status.ACTIVE, Status.MOBILE, Status.SUSPENDED)


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR = "junior", "初中及以下"


class Member(models.Model):
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    work_unit = models.CharField("工作单位及职务", max_length=100, blank=True)
    category = models.CharField("人员类别", max_length=20, choices=Category.choices)
    admitted_on = models.DateField("入党日期")
    full_member_on = models.DateField("转正日期", null=True, blank=True)
    status = models.CharField("党员状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    leading_cadre = models.BooleanField("党员领导干部", default=False)
    org = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="members")
    party_group = models.ForeignKey(
        Organization, verbose_name="所在党小组", null=True, blank=True, on_delete=models.SET_NULL, related_name="group_members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    # Search keys kept by the services: pinyin initials (张三 → zs) and the ID reversed, so that
    # "last digits of the ID" is an indexed prefix search.
    name_initials = models.CharField(max_length=40, db_index=True, editable=False)
    id_reversed = models.CharField(max_length=18, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党员"
        indexes = [models.Index(fields=["org", "status", "category"])]

    def __str__(self) -> str:
        return self.name

    @property
    def party_age_start(self) -> dt.date:
        # Party age counts from the end of probation (党章 Art. 7): 12 months after admission
        # unless the actual conversion date is known.
        return self.full_member_on or org_checks.add_months(self.admitted_on, 12)

    def party_age(self, on: dt.date | None = None) -> int | None:
        if self.category != Category.FULL:
            return None
        on = on or timezone.localdate()
        start = self.party_age_start
        years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
        return max(years, 0)

    def age(self, on: dt.date | None = None) -> int:
        on = on or timezone.localdate()
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    @property
    def rights(self) -> list[str]:
        if self.status not in (Status.ACTIVE, Status.MOBILE):
            return []
        # member.rights is tighten: none, so no profile can change it: the national library
        # answers for every organization without looking up the member's profile.
        return org_checks.voting_rights(get_profile(), self.category)

    @property
    def has_voting_rights(self) -> bool:
        return "vote" in self.rights

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def mask_id(value: str) -> str:
    return value[:6] + "*" * 8 + value[-4:] if len(value) == 18 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else ("*" * len(value))


class MemberOrgHistory(models.Model):
    """Which organization a member belonged to, and when."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="org_history")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.org_id} from {self.started_on}"


class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION_OFFICER = "organization_officer", "组织委员"
    PUBLICITY_OFFICER = "publicity_officer", "宣传委员"
    DISCIPLINE_OFFICER = "discipline_officer", "纪检委员"
    COMMITTEE_MEMBER = "committee_member", "委员"
    GROUP_LEADER = "group_leader", "党小组组长"


class Term(models.Model):
    """One term (届) of an organization's elected leadership."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="terms")
    started_on = models.DateField("任期开始")
    expires_on = models.DateField("任期届满")
    ended_on = models.DateField("实际结束", null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.started_on:%Y年%-m月}—{self.expires_on:%Y年%-m月}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class PostHolding(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="posts")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts")
    post = models.CharField("职务", max_length=30, choices=Post.choices)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.member_id}"


class RosterImport(models.Model):
    """One attempt to import a roster file: accepted whole or rejected whole."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="imports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[row, column, message], ...]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({'accepted' if self.accepted else 'rejected'})"
from .transfer_models import Transfer, TransferStep  # noqa: E402,F401  (组织关系转接)
