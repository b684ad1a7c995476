"""Validate the rule libraries and profiles and list them (the server also does this at start-up)."""

from django.core.management.base import BaseCommand, CommandError

from orglife.rules import loader


class Command(BaseCommand):
    help = "校验并列出规则库与配置方案"

    def handle(self, *args, **options):
        loader.load_all.cache_clear()
        try:
            profiles = loader.load_all()
        except loader.RuleError as exc:
            raise CommandError(f"规则库校验失败：{exc}") from exc
        for profile in profiles.values():
            self.stdout.write(f"{profile.name}（{profile.label}）：{len(profile.rules)} 条规则")
            for rule in profile.rules.values():
                self.stdout.write(f"  {rule.id} [{rule.conf}] = {rule.value!r}  来源：{rule.source}")
        self.stdout.write(self.style.SUCCESS("规则库校验通过。"))
