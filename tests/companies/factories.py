import factory

from companies.models import Company, CompanyReference, MemberRole, Membership
from tests.accounts.factories import UserFactory


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"빛고을AI {n}")
    slug = factory.Sequence(lambda n: f"bitgoeul-ai-{n}")
    summary = "IoT 복약 디스펜서와 복약 순응도 알림 서비스를 만드는 회사"
    description = "독거 어르신 가정에 설치하는 복약 디스펜서와 보호자 알림 앱을 개발합니다."
    website = "https://example-bitgoeul.kr"
    technologies = factory.LazyFunction(lambda: ["iot sensors", "speech recognition"])
    domains = factory.LazyFunction(lambda: ["elderly care", "healthcare"])
    languages = factory.LazyFunction(lambda: ["ko"])
    is_verified = True


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyReference

    company = factory.SubFactory(CompanyFactory)
    title = "북구 독거노인 복약 관리 시범사업"
    year = 2024
    description = "어르신 30가구에 복약 디스펜서를 설치해 복약률을 높였습니다."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.OWNER
