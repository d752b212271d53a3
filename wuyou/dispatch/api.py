"""JSON endpoints, mounted at /api/v1/ before the appeals router."""

from ninja import Router, Schema

from wuyou.appeals.selectors import visible_appeals
from wuyou.core.errors import Forbidden, NotFound

from . import selectors
from .similarity import SAME_PROBLEM_THRESHOLD

router = Router(tags=["dispatch"])


class SuggestionOut(Schema):
    department: str
    score: float
    reasons: list[str]


class SimilarOut(Schema):
    id: int
    number: str
    title: str
    status: str
    score: float
    same_problem: bool


def _appeal_for_staff(request, appeal_id: int):
    appeal = visible_appeals(request.user).filter(pk=appeal_id).first() if 0 < appeal_id < 2**63 else None
    if appeal is None:
        raise NotFound("诉求不存在或无权查看", code="not_found")
    if not selectors.is_staff(request.user):
        raise Forbidden("分拨建议仅对工作人员开放", code="forbidden")
    return appeal


@router.get("/appeals/{int:appeal_id}/suggestions", response=list[SuggestionOut])
def suggestions(request, appeal_id: int):
    """Top 3 departments with a score (0–1) and the reasons; [] means no confident suggestion."""
    appeal = _appeal_for_staff(request, appeal_id)
    return [s.as_dict() for s in selectors.suggestions_for(appeal, request.user)]


@router.get("/appeals/{int:appeal_id}/similar", response=list[SimilarOut])
def similar(request, appeal_id: int):
    """Similar open or recent appeals the caller may see (an enterprise sees only its own)."""
    appeal = visible_appeals(request.user).filter(pk=appeal_id).first() if 0 < appeal_id < 2**63 else None
    if appeal is None:
        raise NotFound("诉求不存在或无权查看", code="not_found")
    return [
        {
            "id": a.pk,
            "number": a.number,
            "title": a.title,
            "status": a.status,
            "score": round(s, 3),
            "same_problem": s >= SAME_PROBLEM_THRESHOLD,
        }
        for a, s in selectors.similar_for(request.user, appeal=appeal)
    ]
