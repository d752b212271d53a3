"""Lost intent (issue 9): a cluster page action carries the state the page showed; a stale one changes
nothing."""

from django.urls import reverse
from django.utils import timezone

from wuyou.dispatch.models import Cluster


def test_cluster_page_action_with_a_stale_state_is_refused(p):
    cluster = Cluster.objects.create(title="栗雨工业园停电", created_at=timezone.now())
    center = p.client(p.center)
    url = reverse("dispatch_cluster_act", args=[cluster.pk, "dismiss"])
    center.post(url, {"note": "不是同一问题", "expected_status": "linked"})
    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.DETECTED
    html = center.get(reverse("dispatch_cluster", args=[cluster.pk])).content.decode()
    assert 'name="expected_status" value="detected"' in html
    center.post(url, {"note": "不是同一问题", "expected_status": "detected"})
    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.DISMISSED
