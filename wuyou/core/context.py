from .nav import items_for


def navigation(request):
    """The top bar's links from the registry (wuyou.core.nav): signed-in users see the main section,
    visitors the public one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "public_nav_items": items_for(request, section="public")}
    return {"nav_items": items_for(request)}
