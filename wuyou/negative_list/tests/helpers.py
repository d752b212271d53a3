"""Shared test helpers: a report filed through the service, a case driven through the center's actions."""

from datetime import timedelta

from django.utils import timezone

from wuyou.negative_list import services

NAME = "欧阳举报人"
PHONE = "13977778888"
SECRET_TEXT = "科长王某某暗示要请客才给办理，原话录音在附件"


def file_report(user=None, **kw):
    data = dict(
        by=user,
        items=["C1-02"],
        department="gdgs",
        official="王科长",
        occurred_on=timezone.localdate() - timedelta(days=3),
        place="栗雨工业园",
        description=SECRET_TEXT,
        reporter_name=NAME,
        reporter_phone=PHONE,
        ip="",
    )
    data.update(kw)
    return services.report_submit(**data)


def act(inv, report, action, **data):
    return services.perform(action, report_id=report.pk, by=inv, data=data)


def to_concluded(inv, report, outcome="substantiated"):
    act(inv, report, "accept")
    act(inv, report, "request_explanation", summary="请说明11月对某企业检查的依据和次数")
    return act(inv, report, "conclude", outcome=outcome, finding="经核实，短期内重复检查三次，无计划依据。")
