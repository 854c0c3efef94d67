from accounts.selectors import user_memberships


def memberships(request):
    """The signed-in user's companies for the menu, in one query on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_memberships": []}
    return {"my_memberships": user_memberships(user=user)}
