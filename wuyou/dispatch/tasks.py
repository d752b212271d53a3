"""Worker task: retrain when due, detect clusters, auto-dispatch. Cheap when there is nothing to do:
a couple of indexed counts per round. Training runs here, never in a request."""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from wuyou.appeals.models import Appeal, Status
from wuyou.appeals.services import appeal_dispatch
from wuyou.core.errors import DomainError
from wuyou.core.workflow import SYSTEM

from . import clusters, engine, selectors, services
from .models import AutoDispatchLog, AutoDispatchRule, DispatchState, ModelVersion

log = logging.getLogger("wuyou.dispatch")

RETRAIN_EVERY = timedelta(hours=24)
RETRAIN_NEW_LABELS = 50  # retrain early once this many newly labelled appeals exist
MIN_LABELLED = 20  # below this the catalogue alone is better than anything learned
STALE_TRAINING = timedelta(hours=1)  # a worker that crashed mid-training releases its claim
AUTO_BATCH = 200


def _due_for_training(state: DispatchState, labelled: int, now) -> bool:
    if state.train_requested_at is not None:
        return True
    if labelled < MIN_LABELLED:
        return False
    new = labelled - state.labelled_at_train
    if new >= RETRAIN_NEW_LABELS:
        return True
    return new > 0 and (state.last_trained_at is None or now - state.last_trained_at >= RETRAIN_EVERY)


def maybe_train(now) -> int:
    state = DispatchState.get()
    if not _due_for_training(state, selectors.labelled_count(), now):
        return 0
    # Claim with a guarded update so two workers never train at once.
    claimed = DispatchState.objects.filter(
        Q(training_started_at__isnull=True) | Q(training_started_at__lt=now - STALE_TRAINING), pk=1
    ).update(training_started_at=now)
    if not claimed:
        return 0
    try:
        services.train_model(note="worker", now=now)
    except Exception:
        DispatchState.objects.filter(pk=1).update(training_started_at=None)
        raise
    return 1


def maybe_detect(now) -> int:
    state = DispatchState.get()
    since = state.last_scan_at
    if since is not None and not Appeal.objects.filter(created_at__gt=since).exists():
        return 0
    found = clusters.detect(now)
    DispatchState.objects.filter(pk=1).update(last_scan_at=now)
    return found


def auto_dispatch(now) -> int:
    rules = list(
        AutoDispatchRule.objects.filter(enabled=True, updated_by__isnull=False).select_related("updated_by")
    )
    if not rules:
        return 0
    model = engine.current_model()
    version = ModelVersion.objects.filter(pk=model.version_id).first() if model.version_id else None
    done = 0
    for rule in rules:
        # Only appeals that arrived after the rule was set and were never returned (a return means a human
        # must look) and never considered before.
        due = (
            Appeal.objects.filter(
                status=Status.SUBMITTED,
                category=rule.category,
                return_count=0,
                created_at__gte=rule.updated_at,
            )
            .exclude(pk__in=AutoDispatchLog.objects.values("appeal_id"))
            .order_by("created_at")[:AUTO_BATCH]
        )
        for appeal in due:
            top = model.suggest(selectors.appeal_text(appeal), k=1)
            entry = AutoDispatchLog(appeal=appeal, version=version, at=now)
            if top:
                entry.department, entry.score = top[0].department, top[0].score
            if top and top[0].score >= rule.threshold:
                try:
                    appeal_dispatch(
                        appeal_id=appeal.pk,
                        by=SYSTEM,  # the system dispatches, under the rule; not the person who last edited it
                        department=top[0].department,
                        note=f"智能分拨自动交办（{rule.get_category_display()}类规则，置信度 {top[0].score:.2f}）",
                    )
                    entry.dispatched = True
                    done += 1
                except DomainError as exc:
                    entry.note = exc.message[:200]
            else:
                entry.note = "置信度不足，留待人工交办"
            entry.save()
    return done


def run(now=None) -> dict[str, int]:
    now = now or timezone.now()
    out = {"dispatch_trained": 0, "dispatch_clusters": 0, "dispatch_auto": 0}
    try:
        out["dispatch_trained"] = maybe_train(now)
    except Exception:
        log.exception("dispatch training failed; the active model stays in use")
    out["dispatch_clusters"] = maybe_detect(now)
    out["dispatch_auto"] = auto_dispatch(now)
    return out
