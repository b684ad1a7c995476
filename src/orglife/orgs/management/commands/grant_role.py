"""Accounts for operators: create a login, grant it a role on an organization, link it to a member.

  python manage.py grant_role USERNAME --org CODE --role manager [--no-recursive]
  python manage.py grant_role USERNAME --member ID_NUMBER      (link the account to a member)
A missing account is created with a random password, printed once.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orglife.core import audit
from orglife.core.models import Role
from orglife.orgs import services
from orglife.orgs.idcard import normalize_id
from orglife.orgs.models import Member, Organization


class Command(BaseCommand):
    help = "创建账号、授予组织权限、关联党员"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", help="组织编码")
        parser.add_argument("--role", choices=Role.values, default=Role.MANAGER)
        parser.add_argument("--no-recursive", action="store_true", help="只授予本组织，不含下级组织")
        parser.add_argument("--member", help="要关联的党员的公民身份号码")

    def handle(self, *args, username, org, role, no_recursive, member, **options):
        if not org and not member:
            raise CommandError("请至少指定 --org 或 --member")
        User = get_user_model()
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username)
            password = None
            if created:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.save()
                audit.record(actor=None, action="user.create", target=user, org=None,
                             changes={"username": [None, username]})
            if org:
                target = Organization.objects.filter(code=org).first()
                if target is None:
                    raise CommandError(f"组织编码“{org}”不存在")
                services.grant_role(actor=None, user=user, org=target, role=role, recursive=not no_recursive)
                self.stdout.write(f"已授予 {username} 在 {target.name} 的“{Role(role).label}”权限")
            if member:
                found = Member.objects.filter(id_number=normalize_id(member)).first()
                if found is None:
                    raise CommandError("没有该公民身份号码的党员")
                services.member_link_user(actor=None, member=found, user=user)
                self.stdout.write(f"已将 {username} 关联到党员 {found.name}")
        if password:
            self.stdout.write(f"新建账号 {username}，初始密码：{password}（请登录后修改）")
