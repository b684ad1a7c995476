from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "查看"
    MANAGER = "manager", "管理"
    ADMINISTRATOR = "administrator", "系统管理"


class RoleGrant(models.Model):
    """The single source of access: a user holds a role on an organization (and maybe below it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    recursive = models.BooleanField(default=True, help_text="是否包含下级组织")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="uniq_grant")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} {self.org_id}"


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk update() and delete() bypass Model.save()/delete(); refuse them too."""

    def update(self, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("审计记录只能追加，不能删除")


ACTION_LABELS = {
    "reference_texts.load": "载入范文库",
    "org.create": "新建组织",
    "org.update": "修改组织",
    "org.move": "调整隶属关系",
    "member.create": "登记党员",
    "member.update": "修改党员信息",
    "member.link_user": "关联登录账号",
    "member.import_create": "导入新增党员",
    "member.import_update": "导入更新党员",
    "roster.import": "导入花名册",
    "term.start": "开始新一届任期",
    "post.assign": "任命职务",
    "grant.create": "授予权限",
    "roster.import_rejected": "花名册导入被拒绝",
    "roster.export": "导出花名册",
    "api_token.issue": "签发接口令牌",
    "scale.seed": "生成规模测试数据",
    "user.create": "新建账号",
    "user.password_change": "修改密码",
    "meeting.create": "新建会议",
    "meeting.update": "修改会议纪实",
    "meeting.start": "开始会议（生成应到名单）",
    "meeting.attendance": "登记出席情况",
    "meeting.sign_in": "扫码签到",
    "meeting.guest_add": "添加列席人员",
    "meeting.resolution_add": "添加会议决议",
    "meeting.follow_up_add": "添加会后跟进事项",
    "meeting.attachment_add": "上传会议附件",
    "meeting.submit": "提交会议纪实（锁定）",
    "meeting.amend": "更正会议纪实",
    "plan.generate": "生成年度计划",
    "plan.item_add": "添加计划事项",
    "plan.item_update": "修改计划事项",
    "plan.item_delete": "删除计划事项",
    "plan.submit": "提交年度计划",
    "plan.return": "退回年度计划",
    "plan.approve": "批准年度计划",
    "talk.create": "登记谈心谈话",
    "talk_todo.create": "布置谈话任务",
    "meetings.seed": "生成规模测试会议数据",
    "exemption.grant": "批准免于召开",
    "meeting.approve": "审核通过会议纪实",
    "meeting.return": "退回会议纪实",
    "exemption.revoke": "撤销免于召开",
    "problem.create": "登记问题",
    "problem.measure_add": "添加整改措施",
    "problem.measure_complete": "整改措施完成",
    "problem.evidence_add": "上传整改佐证",
    "problem.submit": "提交问题销号",
    "problem.sign_off": "问题销号",
    "problem.return": "退回问题销号申请",
    "problem.reopen": "回头看重新整改",
    "life.open": "开启组织生活会/民主生活会会前准备",
    "life.plan": "登记会议通知和方案报送",
    "life.prep_add": "登记会前学习研讨或征求意见",
    "life.material_save": "提交对照检查材料",
    "life.override": "准予召开（会前准备未完成）",
    "life.criticism_save": "登记批评与自我批评",
    "life.report": "报送会议情况报告",
    "checklist.load": "载入检查清单",
    "campaign.launch": "发起自查活动",
    "campaign.answer": "自查作答",
    "campaign.edit": "修改自查活动",
    "campaign.close": "结束自查活动",
    "campaign.export": "导出自查汇总",
    "problem.withdraw": "撤销问题",
    "ledger.export": "导出整改台账",
    "transfer.start": "发起组织关系转接",
    "transfer.resubmit": "重新提交组织关系转接",
    "transfer.cancel": "撤销组织关系转接",
    "transfer.approve": "同意组织关系转接",
    "transfer.refuse": "不同意组织关系转接",
    "transfer.return": "退回组织关系转接",
    "transfer.accept": "接收组织关系",
    "transfer.receipt": "确认介绍信回执",
    "transfer.register_in": "登记系统外转入",
    "transfer.letter_print": "打印组织关系介绍信",
    "member.transfer": "组织关系转接（转出）",
    "member.transfer_out": "组织关系转出系统外",
    "problems.seed": "生成规模测试问题数据",
}


class AuditEvent(models.Model):
    """One write: who did what to which object, with changed fields old → new. Append-only."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=200, blank=True)
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["org", "-created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能删除")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token of {self.user}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        token = "ol_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=cls.hash(token))
        return token
