# Issue 10: supplied material and reply files (Attachment.kind), the supply event, reply templates (常用语), internal notes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0008_numbers_in_core_counter'),
        ('orgs', '0004_token_lifetime'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='attachment',
            name='kind',
            field=models.CharField(choices=[('appeal', '诉求材料'), ('supply', '补充材料'), ('reply', '答复附件')], default='appeal', max_length=10),
        ),
        migrations.AlterField(
            model_name='event',
            name='action',
            field=models.CharField(choices=[('submit', '提交'), ('dispatch', '交办'), ('reject', '不予受理'), ('withdraw', '撤回'), ('sign', '签收'), ('return', '退回'), ('opinion', '协办意见'), ('reply', '答复'), ('rate', '评价'), ('reopen', '重办'), ('close', '办结'), ('escalate', '提级'), ('deescalate', '撤销提级'), ('supervise', '督办'), ('extend', '申请延期'), ('approve_extension', '审批延期'), ('pause', '暂停'), ('resume', '恢复'), ('supply', '补充材料'), ('merge', '合并'), ('unmerge', '撤销合并'), ('warn', '到期预警'), ('urge', '催办'), ('auto_close', '逾期未评价办结')], max_length=20),
        ),
        migrations.CreateModel(
            name='InternalNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='内部备注')),
                ('created_at', models.DateTimeField(verbose_name='时间')),
                ('appeal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='internal_notes', to='appeals.appeal')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.department')),
            ],
            options={
                'verbose_name': '内部备注',
                'verbose_name_plural': '内部备注',
                'ordering': ['appeal_id', 'created_at', 'id'],
                'indexes': [models.Index(fields=['appeal', 'created_at'], name='internal_note_appeal')],
            },
        ),
        migrations.CreateModel(
            name='ReplyTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=60, verbose_name='名称')),
                ('text', models.TextField(verbose_name='内容')),
                ('updated_at', models.DateTimeField(verbose_name='更新时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reply_templates', to='orgs.department', verbose_name='部门')),
            ],
            options={
                'verbose_name': '答复常用语',
                'verbose_name_plural': '答复常用语',
                'ordering': ['department_id', 'title'],
                'constraints': [models.UniqueConstraint(fields=('department', 'title'), name='reply_template_dept_title')],
            },
        ),
    ]
