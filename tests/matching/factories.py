"""Factories for match suggestions and companies' interest in them."""

import datetime

import factory

from matching.models import Match, MatchStatus
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    idea = factory.SubFactory(IdeaFactory)
    company = factory.SubFactory(CompanyFactory)
    score = 0.8
    rank_for_idea = 1
    rank_for_company = 1
    reason = factory.LazyFunction(
        lambda: {
            "idea_field": "proposal",
            "idea_text": "약 먹을 시간을 알려주면 좋겠어요.",
            "company_field": "summary",
            "company_text": "IoT 복약 디스펜서와 복약 순응도 알림 서비스",
            "similarity": 0.82,
            "also": [],
        }
    )
    status = MatchStatus.SUGGESTED


class InterestFactory(MatchFactory):
    status = MatchStatus.INTERESTED
    message = "북구 30가구에서 실증할 수 있습니다."
    proposal_plan = "복약 디스펜서 30대를 8주 동안 설치하고 복약률을 측정합니다."
    proposal_data_needed = "복약 시각 기록"
    proposal_duration_weeks = 8
    feedback_at = factory.Faker("date_time", tzinfo=datetime.UTC)
