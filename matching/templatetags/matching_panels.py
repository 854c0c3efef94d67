"""The matcher's panels on other apps' pages: the idea page's matches and interested companies,
the moderation queue's likely duplicates and the merge confirmation's likeness of the two ideas,
and the profile editor's preview. Registered here so that ideas and companies show them without
importing the matcher."""

from django import template

from ideas.models import MatchingState
from matching import selectors
from matching.engine.passages import UNSCORED_FIELDS, company_passages
from matching.idea_pilots import idea_pilots
from matching.reasons import FIELD_LABELS

register = template.Library()


@register.inclusion_tag("matching/_idea_matches.html", takes_context=True)
def idea_matches_panel(context, idea):
    user = context["request"].user
    # The companies running the idea's pilot are named first, and not again among the matches:
    # a reader learns who does the work, whatever the matcher made of them.
    running = idea_pilots.companies_running(idea=idea, user=user)
    running_ids = {company.pk for company in running}
    ranked = [m for m in selectors.idea_ranked_matches(idea=idea) if m.company_id not in running_ids]
    matches = [m for m in ranked if m.is_confident]
    weaker = [m for m in ranked if not m.is_confident]
    # Who may see weaker ones is asked only when there are some.
    if weaker and not selectors.can_see_weak_matches(user=user):
        weaker = []
    for match in matches + weaker:
        match.reason_text = match.reason_in_words()
    show_proposals = selectors.can_see_interest_proposals(idea=idea, user=user)
    interests = selectors.idea_page_interests(idea=idea, user=user, with_proposals=show_proposals)
    if not show_proposals:
        # Named above already; the author and staff still read what each company proposed.
        interests = [interest for interest in interests if interest.company_id not in running_ids]
    state = idea.matching_state
    return {
        "idea": idea,
        "running": running,
        "matches": matches,
        "weaker": weaker,
        # A company's interest answers a match the matcher showed, and stands whatever the idea's
        # ranking since: beside it the page neither says companies are being looked for nor that
        # none fits.
        "waiting": state == MatchingState.PENDING and not interests,
        "none_fits": state == MatchingState.DONE and not matches and not interests and not running,
        "interests": interests,
        "show_proposals": show_proposals,
    }


@register.simple_tag
def likely_duplicates(ideas, limit: int = 3) -> dict:
    """{idea id: the ideas it may be the same as}, for a whole list of ideas at once: staff
    merge from these, so an idea merely on the same topic is not offered."""
    return selectors.duplicates_for_ideas(ideas=list(ideas), limit=limit, floor=selectors.POSSIBLY_SAME)


@register.simple_tag
def duplicate_candidate(idea, other):
    """How likely `other` is the same idea as `idea`, on the moderation queue's scale; None while
    the matcher has not read both."""
    return selectors.duplicate_candidate_between(idea=idea, other=other)


@register.filter
def candidates_of(duplicates: dict, idea) -> list:
    return duplicates.get(idea.pk, [])


@register.inclusion_tag("matching/_profile_preview.html")
def profile_preview(profile: dict, company):
    """The passages the matcher will read from a profile as typed, before it is saved."""
    passages = company_passages(
        summary=profile["summary"],
        description=profile["description"],
        technologies=profile["technologies"],
        domains=profile["domains"],
        # The past projects as typed, when the page sent them; else the saved ones.
        references=profile["references"]
        if "references" in profile
        else [(ref.title, ref.description) for ref in company.references.all()],
    )
    # As scored: the tags once, as their list.
    return {
        "preview": [
            {"field": FIELD_LABELS.get(p.field, p.field), "text": p.text}
            for p in passages
            if p.field not in UNSCORED_FIELDS
        ]
    }
