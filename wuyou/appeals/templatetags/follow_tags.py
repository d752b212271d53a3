"""The 「我也遇到」 block of the appeal page and the button of the similar list at intake."""

from django import template

from .. import following

register = template.Library()


@register.inclusion_tag("appeals/_follow.html", takes_context=True)
def follow_block(context, appeal):
    """Nothing for who cannot follow and sees no follower; the count only, never who follows."""
    user = context["request"].user
    return {
        "a": appeal,
        "csrf_token": context.get("csrf_token"),
        "may_follow": following.may_follow(user, appeal),
        "following": following.is_following(user, appeal),
        "count": following.follower_count(appeal),
    }


@register.simple_tag(takes_context=True)
def may_follow(context, appeal):
    return following.may_follow(context["request"].user, appeal)
