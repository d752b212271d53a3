"""The center's settings: per-category time limits and the weights of the 三率 score.

Both are administrative writes: each records one audit row (timelimit.update, weights.update) with the
values before and after, in the same transaction as the write. A save that changes nothing records
nothing.
"""

from collections.abc import Mapping

from django.db import transaction

from wuyou.core.audit import record_change, snapshot
from wuyou.core.errors import InvalidInput

from .models import MetricWeights, TimeLimit

LIMIT_FIELDS = ["sign_workdays", "urgent_sign_hours", "reply_workdays", "rate_workdays"]
WEIGHT_FIELDS = ["response", "resolution", "satisfaction"]
# field → (label, lowest, highest); the form's min/max say the same.
LIMIT_RANGES = {
    "sign_workdays": ("签收时限", 1, 10),
    "urgent_sign_hours": ("紧急签收时限", 1, 72),
    "reply_workdays": ("答复时限", 1, 60),
    "rate_workdays": ("评价时限", 1, 30),
}
WEIGHT_LABELS = {"response": "响应率权重", "resolution": "解决率权重", "satisfaction": "满意率权重"}


def _int(value, label, lo, hi) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{label}必须是整数", code="not_integer") from None
    if not lo <= n <= hi:
        raise InvalidInput(f"{label}须在 {lo} 到 {hi} 之间", code="out_of_range")
    return n


def current_weights() -> MetricWeights:
    return MetricWeights.objects.first() or MetricWeights.objects.create()


@transaction.atomic
def time_limits_update(*, by, limits: Mapping[str, Mapping[str, object]]) -> list[TimeLimit]:
    """Set the limits of the given categories ({category: {field: value}}); all or none."""
    rows = {t.category: t for t in TimeLimit.objects.select_for_update().order_by("id")}
    unknown = set(limits) - set(rows)
    if unknown:
        raise InvalidInput(f"没有这些类别的时限：{'、'.join(sorted(unknown))}", code="unknown_category")
    before, after = {}, {}
    for category, values in limits.items():
        lim = rows[category]
        old = snapshot(lim, LIMIT_FIELDS)
        for name, value in values.items():
            if name not in LIMIT_RANGES:
                raise InvalidInput(f"不能修改时限的字段 {name}", code="bad_field")
            label, lo, hi = LIMIT_RANGES[name]
            setattr(lim, name, _int(value, f"{lim}{label}", lo, hi))
        new = snapshot(lim, LIMIT_FIELDS)
        changed = [k for k in LIMIT_FIELDS if old[k] != new[k]]
        if changed:
            lim.save(update_fields=changed)
            # Only what moved, per category, as record_change does for flat values.
            before[category] = {k: old[k] for k in changed}
            after[category] = {k: new[k] for k in changed}
    if after:
        record_change(by=by, action="timelimit.update", subject="办理时限", before=before, after=after)
    return list(rows.values())


@transaction.atomic
def weights_update(*, by, response, resolution, satisfaction) -> MetricWeights:
    weights = current_weights()
    weights = MetricWeights.objects.select_for_update().get(pk=weights.pk)
    before = snapshot(weights, WEIGHT_FIELDS)
    values = {"response": response, "resolution": resolution, "satisfaction": satisfaction}
    for name, value in values.items():
        setattr(weights, name, _int(value, WEIGHT_LABELS[name], 0, 100))
    if weights.response + weights.resolution + weights.satisfaction == 0:
        raise InvalidInput("权重之和不能为 0", code="zero_weights")
    after = snapshot(weights, WEIGHT_FIELDS)
    if after != before:
        weights.save(update_fields=WEIGHT_FIELDS)
        record_change(by=by, action="weights.update", subject="考核权重", before=before, after=after)
    return weights


# The settings page's field names: "<category>-<suffix>" for limits, "w-<field>" for weights.
LIMIT_SUFFIX = {
    "sign": "sign_workdays",
    "urgent": "urgent_sign_hours",
    "reply": "reply_workdays",
    "rate": "rate_workdays",
}


@transaction.atomic
def settings_save(*, by, data: Mapping) -> None:
    """Save the settings page: every category's limits and the weights, all or nothing."""
    categories = TimeLimit.objects.order_by("id").values_list("category", flat=True)
    limits = {
        c: {field: data.get(f"{c}-{suffix}") for suffix, field in LIMIT_SUFFIX.items()} for c in categories
    }
    time_limits_update(by=by, limits=limits)
    weights_update(by=by, **{name: data.get(f"w-{name}") for name in WEIGHT_FIELDS})
