"""A small catalogue of companies and ideas, embedded with the real model."""

import pytest

from companies.models import MemberRole, Membership
from ideas.models import IdeaStatus
from matching import services
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory

COMPANIES = {
    "care": dict(
        name="곁에케어",
        slug="gyeote-care",
        summary="독거 어르신 가정용 IoT 복약 디스펜서와 복약 순응도 알림 서비스",
        description="정해진 시간에 약을 내어주고, 복용하지 않으면 보호자 앱으로 알림을 보냅니다.",
        technologies=["pill dispensing", "iot sensors", "voice reminders"],
        domains=["elderly care", "home care"],
    ),
    "traffic": dict(
        name="신호숲",
        slug="sinhosup",
        summary="LiDAR 기반 보행자 검지와 교통신호 최적화",
        description="횡단보도의 보행자를 검지해 보행 신호 시간을 자동으로 연장합니다.",
        technologies=["lidar", "pedestrian detection", "signal control"],
        domains=["traffic", "pedestrian safety"],
    ),
    "farm": dict(
        name="Fieldsight",
        slug="fieldsight",
        summary="Crop disease detection from leaf photos and greenhouse climate control.",
        description="Farmers photograph a leaf and get a diagnosis of pests and diseases within seconds.",
        technologies=["plant disease detection", "computer vision"],
        domains=["agriculture", "smart farm"],
    ),
    "flood": dict(
        name="물빛센싱",
        slug="mulbit",
        summary="하천 수위 센서와 강우 초단기 예측으로 도시 침수를 미리 경보",
        description="지하차도와 반지하 주택가에 수위 센서를 설치해 침수 위험을 문자로 알립니다.",
        technologies=["water-level sensors", "rainfall nowcasting"],
        domains=["flood", "disaster management"],
    ),
}

IDEAS = {
    "pills": (
        "어머니가 약 드시는 걸 자꾸 잊으세요",
        "혼자 사시는 어머니가 혈압약을 드셨는지 기억을 못 하세요.",
        "약 먹을 시간을 알려주고 안 드시면 가족에게 알려주면 좋겠어요.",
        "elderly_care",
        "ko",
    ),
    "crossing": (
        "할머니들이 횡단보도를 다 못 건너세요",
        "신호가 너무 짧아서 어르신들이 중간에 멈춰 서 계세요.",
        "천천히 걷는 사람이 있으면 신호가 조금 더 기다려 주면 좋겠어요.",
        "mobility",
        "ko",
    ),
    "leaves": (
        "Spots on my pepper leaves",
        "Brown spots appear on the leaves of my pepper plants every summer.",
        "I wish I could take a photo and learn which disease it is.",
        "agriculture_food",
        "en",
    ),
    "underpass": (
        "비만 오면 잠기는 굴다리",
        "장마철마다 동네 굴다리에 물이 차서 차가 갇힙니다.",
        "물이 차기 전에 미리 알려서 차가 못 들어가게 해주세요.",
        "safety_disaster",
        "ko",
    ),
    "library": (
        "아이 책 고르기가 어려워요",
        "도서관에 가면 어떤 책이 우리 아이 수준에 맞는지 모르겠어요.",
        "아이가 읽은 책을 보고 다음 책을 추천해 주면 좋겠어요.",
        "education",
        "ko",
    ),
    "bus": (
        "버스가 언제 오는지 몰라요",
        "시골 정류장에는 도착 안내판이 없어 추운 데서 오래 기다립니다.",
        "버스 도착 시간을 예측해서 알려주면 좋겠어요.",
        "mobility",
        "ko",
    ),
    "dogs": (
        "Stray dogs on hiking trails",
        "Packs of stray dogs scare hikers on the trails near my home.",
        "Cameras could spot the dogs so the city can rescue them.",
        "animals",
        "en",
    ),
    "energy": (
        "관리비 전기요금이 너무 많이 나와요",
        "어디서 전기가 새는지 몰라서 매달 요금이 걱정입니다.",
        "집 전기 사용을 분석해서 아낄 방법을 알려주면 좋겠어요.",
        "environment_energy",
        "ko",
    ),
    "pills_en": (
        "My father forgets his medicine",
        "My dad lives alone and often cannot remember whether he took his pills.",
        "A device that reminds him and tells me when he misses a dose.",
        "elderly_care",
        "en",
    ),
}


def make_company(key: str):
    return CompanyFactory(**COMPANIES[key])


def make_idea(key: str, author=None, status=IdeaStatus.PUBLISHED):
    title, problem, proposal, category, language = IDEAS[key]
    return IdeaFactory(
        title=title,
        problem=problem,
        proposal=proposal,
        category=category,
        language=language,
        status=status,
        author=author or UserFactory(),
    )


@pytest.fixture
def catalogue(db, carol):
    companies = {key: make_company(key) for key in COMPANIES}
    Membership.objects.create(company=companies["care"], user=carol, role=MemberRole.OWNER)
    ideas = {key: make_idea(key) for key in IDEAS}
    for company in companies.values():
        services.embedding_refresh_for_company(company_id=company.pk)
    for idea in ideas.values():
        services.embedding_refresh_for_idea(idea_id=idea.pk)
    services.match_refresh_all()
    return {"companies": companies, "ideas": ideas}
