# Enterprise self-service accounts (issue 10): the 企业管理员 flag, SMS codes, registrations.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_token_lifetime")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_enterprise_admin",
            field=models.BooleanField(db_default=False, default=False, verbose_name="企业管理员"),
        ),
        migrations.CreateModel(
            name="SmsCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=64, unique=True)),
                (
                    "purpose",
                    models.CharField(
                        choices=[("register", "企业注册"), ("reset", "重置密码")], max_length=10
                    ),
                ),
                ("phone", models.CharField(max_length=20)),
                ("code_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField(db_index=True)),
                ("tries", models.PositiveSmallIntegerField(default=0)),
                ("used_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "短信验证码",
                "verbose_name_plural": "短信验证码",
                "indexes": [
                    models.Index(fields=["phone", "purpose", "-created_at"], name="orgs_smscode_phone_idx")
                ],
            },
        ),
        migrations.CreateModel(
            name="Registration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("phone", models.CharField(max_length=20, verbose_name="手机号")),
                ("phone_matches", models.BooleanField(default=False, verbose_name="与名录联系电话一致")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "待审核"), ("approved", "已开通"), ("rejected", "未通过")],
                        default="pending",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("created_at", models.DateTimeField(verbose_name="申请时间")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="审核时间")),
                ("reason", models.CharField(blank=True, max_length=200, verbose_name="审核意见")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registrations",
                        to="orgs.enterprise",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registration",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "企业注册申请",
                "verbose_name_plural": "企业注册申请",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(fields=["status", "-created_at"], name="orgs_registration_status_idx")
                ],
            },
        ),
    ]
