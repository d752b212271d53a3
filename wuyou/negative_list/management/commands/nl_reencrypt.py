from django.core.management.base import BaseCommand
from django.db import transaction

from wuyou.negative_list import crypto
from wuyou.negative_list.models import Report


class Command(BaseCommand):
    help = (
        "Re-encrypt reporter identities with the first key of WUYOU_REPORT_KEY and recompute lookup tags. "
        "密钥轮换：新密钥放在最前，运行本命令，然后再移除旧密钥并再运行一次。"
    )

    def handle(self, *args, **opts):
        n = 0
        for pk in Report.objects.exclude(identity_token="").values_list("pk", flat=True):
            with transaction.atomic():
                r = Report.objects.select_for_update().get(pk=pk)
                identity = crypto.decrypt_identity(r.identity_token)
                if "error" in identity:
                    self.stderr.write(f"{r.number}: 无法解密，跳过")
                    continue
                r.identity_token = crypto.reencrypt(r.identity_token)
                r.enterprise_tag = crypto.tag("enterprise", identity.get("enterprise_id"))
                r.account_tag = crypto.tag("user", identity.get("user_id"))
                r.save(update_fields=["identity_token", "enterprise_tag", "account_tag"])
                n += 1
        self.stdout.write(self.style.SUCCESS(f"已处理 {n} 件举报"))
