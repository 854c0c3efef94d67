"""My page lists the ideas one supports as they now stand: a supported idea merged into another is
listed as that one, whose count holds the support."""

import pytest
from django.test import Client

from ideas.models import Idea, IdeaStatus, Support
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _supported_section(user) -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    html = client.get("/me/").content.decode()
    section = html[html.index("Ideas I support</h2>") :]
    return section[: section.index("</ul>")]


def test_a_supported_idea_merged_into_another_is_listed_as_that_one_once(bob):
    kept = IdeaFactory(title="Bus arrival boards at rural stops")
    merged = IdeaFactory(title="No bus information at village stops")
    also_merged = IdeaFactory(title="Rural stops need arrival times")
    for idea in (merged, also_merged):
        Support.objects.create(idea=idea, user=bob)
    Idea.objects.filter(pk__in=[merged.pk, also_merged.pk]).update(status=IdeaStatus.MERGED, merged_into=kept)
    other = IdeaFactory(title="Shade at the bus stop")
    Support.objects.create(idea=other, user=bob)

    section = _supported_section(bob)

    assert section.count(f'href="/ideas/{kept.pk}/"') == 1 and f'href="/ideas/{other.pk}/"' in section
    assert f'href="/ideas/{merged.pk}/"' not in section and f'href="/ideas/{also_merged.pk}/"' not in section
