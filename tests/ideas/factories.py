import factory
from django.utils import timezone

from ideas.models import Category, Comment, District, Idea, IdeaStatus
from tests.accounts.factories import UserFactory


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    title = factory.Sequence(lambda n: f"버스 도착 알림이 필요해요 {n}")
    problem = "정류장에서 버스가 언제 올지 몰라 추운 날 오래 기다립니다."
    proposal = "AI가 버스 도착 시간을 예측해서 정류장 화면과 휴대폰으로 알려주면 좋겠어요."
    category = Category.MOBILITY
    district = District.BUK_GU
    beneficiaries = "동네 주민"
    language = "ko"
    author = factory.SubFactory(UserFactory)
    status = IdeaStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    body = "좋은 생각이에요. 저도 같은 불편을 겪어요."


# What the submission form takes for a valid idea, for the tests of its page.
IDEA_FORM = {
    "title": "어머니가 약 드시는 걸 자꾸 잊으세요",
    "problem": "혼자 사시는 어머니가 혈압약을 드셨는지 기억을 못 하세요.",
    "proposal": "약 먹을 시간을 알려주고 안 드시면 가족에게 알려주면 좋겠어요.",
    "category": "elderly_care",
    "district": "seo_gu",
}
