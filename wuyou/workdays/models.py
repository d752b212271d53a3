"""The official working-day calendar: only the exceptions to "Mon–Fri work, Sat–Sun rest" are stored."""

from django.db import models


class Source(models.TextChoices):
    OFFICIAL = "official", "官方"
    ESTIMATED = "estimated", "估算"
    EDITED = "edited", "人工修订"


# Years whose stored rows are the whole truth; any other year is computed by rule and flagged as an estimate.
AUTHORITATIVE = frozenset({Source.OFFICIAL.value, Source.EDITED.value})


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.OFFICIAL)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "日历年份"

    def __str__(self):
        return f"{self.year}（{self.get_source_display()}）"


class CalendarDay(models.Model):
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("工作日")
    name = models.CharField("名称", max_length=50, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.OFFICIAL)

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "特殊日期"

    def __str__(self):
        kind = "上班" if self.is_workday else "休息"
        return f"{self.date} {kind} {self.name}".strip()
