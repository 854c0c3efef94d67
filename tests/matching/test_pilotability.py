"""Ideas that read as plain requests (hours, space, repairs, money, rules) are told apart from
problems technology can work on, from the idea's text alone, and are not shown a company merely
because some company is nearest."""

import numpy as np
import pytest

from matching import encoding, pilotability, selectors, services
from matching.embeddings import load_companies, load_ideas
from matching.engine import pilotability as engine_pilotability
from matching.engine import ranking
from matching.models import Embedding
from tests.ideas.factories import IdeaFactory

# Written for these tests, not taken from any labelled set or from the prototypes.
PLAIN = {
    "parking": [
        "구민회관 주차 요금을 낮춰 주세요",
        "한 시간에 3천 원이라 행사 때마다 부담됩니다.",
        "주민은 반값으로 해 주세요.",
    ],
    "tennis": [
        "Repaint the lines on the tennis courts",
        "The lines at the riverside courts have faded so much we argue about every ball.",
        "Please repaint them before the spring league.",
    ],
}
TECHNOLOGY = {
    "trail": [
        "비 오면 하천 산책로가 갑자기 잠겨요",
        "물이 불어나는 걸 모르고 산책하다 고립될 뻔했어요.",
        "수위가 오르면 산책로 입구에서 자동으로 알려 주면 좋겠어요.",
    ],
    "lights": [
        "Street lights burn all night on empty paths",
        "The path behind the sports park is lit brightly at 3 a.m. with nobody there.",
        "Lights could dim when no one is around and brighten when someone walks by.",
    ],
}


def _margins(texts: dict[str, list[str]]) -> dict[str, float]:
    encoded = encoding.encode_documents(list(texts.values()), kind="query")
    return dict(zip(texts, pilotability.margins(encoded), strict=True))


@pytest.mark.django_db
def test_plain_requests_fall_below_the_tolerance_and_technology_problems_do_not():
    plain, technology = _margins(PLAIN), _margins(TECHNOLOGY)

    assert all(margin < -engine_pilotability.TOLERANCE for margin in plain.values()), plain
    assert all(margin > -engine_pilotability.TOLERANCE for margin in technology.values()), technology


def test_only_the_excess_below_the_tolerance_is_taken_off():
    offsets = engine_pilotability.score_offsets(np.array([0.2, 0.0, -0.05, -0.08, -0.3]))

    assert offsets == pytest.approx([0.0, 0.0, 0.0, -0.03, -0.25])


def _side(doc: np.ndarray, offset=None) -> ranking.Side:
    doc = (doc / np.linalg.norm(doc, axis=1, keepdims=True)).astype(np.float32)
    return ranking.Side(doc=doc, passages=doc, offsets=np.arange(len(doc) + 1), offset=offset)


def test_an_offset_moves_an_idea_among_a_companys_ideas_but_not_its_order_of_companies():
    rng = np.random.default_rng(5)
    ideas, companies = rng.standard_normal((12, 16)), rng.standard_normal((12, 16))
    offset = np.zeros(12)
    offset[0] = -0.4
    plain = ranking.similarity(_side(ideas), _side(companies))
    offset_scores = ranking.similarity(_side(ideas, offset), _side(companies))

    assert offset_scores[1:] == pytest.approx(plain[1:])
    assert offset_scores[0] == pytest.approx(plain[0] - 0.4)
    assert (np.argsort(-offset_scores[0]) == np.argsort(-plain[0])).all()
    # Among each company's ideas it never rises, and for most companies it falls.
    above_before, above_after = (plain > plain[0]).sum(axis=0), (offset_scores > offset_scores[0]).sum(axis=0)
    assert (above_after >= above_before).all()
    assert (above_after > above_before).sum() > 6


def test_a_plain_request_near_a_company_is_shown_none_and_a_real_fit_still_is(catalogue):
    flood = catalogue["companies"]["flood"]
    request = IdeaFactory(
        title="침수되는 지하차도 배수로를 넓혀 주세요",
        problem="장마철마다 지하차도와 반지하 주택가가 침수됩니다. 배수로가 너무 좁아요.",
        proposal="공사 예산을 늘려서 배수로를 넓히고 낡은 배수관을 새것으로 바꿔 주세요.",
        category="safety_disaster",
        language="ko",
    )
    services.embedding_refresh_for_idea(idea_id=request.pk)
    services.match_refresh_all()

    embedding = Embedding.objects.get(idea=request)
    assert embedding.pilot_margin < -engine_pilotability.TOLERANCE
    # The flood firm is the nearest company, and near enough to be shown without the offset...
    ideas = load_ideas()
    companies = load_companies()
    row = ideas.owner_ids.index(request.pk)
    scores = ranking.similarity(ideas.side, companies.side)
    raw = scores[row] - ideas.side.offset[row]
    assert companies.owner_ids[int(np.argmax(raw))] == flood.pk
    assert raw.max() >= ranking.SMALL_POOL_THRESHOLDS[ranking.POSSIBLE]
    # ...but the request is shown none, while the idea a sensor can answer keeps the firm.
    assert list(selectors.matches_for_idea(idea=request)) == []
    assert flood.pk in {
        m.company_id for m in selectors.matches_for_idea(idea=catalogue["ideas"]["underpass"])
    }


def test_an_idea_without_a_margin_is_embedded_again(catalogue):
    idea = catalogue["ideas"]["bus"]
    Embedding.objects.filter(idea=idea).update(pilot_margin=None)

    assert services.stale_idea_ids() == [idea.pk]
    services.matching_sweep()

    assert Embedding.objects.get(idea=idea).pilot_margin is not None
    assert services.stale_idea_ids() == []
