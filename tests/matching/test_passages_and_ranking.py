import numpy as np

from matching.engine import ranking
from matching.engine.passages import company_passages, idea_passages, split_sentences


def test_sentences_split_on_korean_and_english_endings_and_short_fragments_join():
    text = "버스가 안 와요. 너무 추워요! 네.\nThe stop has no sign? OK."

    assert split_sentences(text) == ["버스가 안 와요.", "너무 추워요! 네.", "The stop has no sign? OK."]


def test_profile_passages_name_their_field():
    passages = company_passages(
        summary="복약 디스펜서",
        description="약을 내어줍니다. 보호자에게 알립니다.",
        technologies=["pill dispensing"],
        domains=["elderly care"],
        references=[("북구 실증", "30가구")],
    )

    assert [p.field for p in passages] == [
        "summary",
        "description",
        "description",
        "technology",
        "domain",
        "tags",
        "reference",
    ]
    assert passages[-2].text == "pill dispensing, elderly care"
    assert passages[-1].text == "북구 실증. 30가구"


def test_a_profile_is_scored_on_its_tag_list_and_quoted_by_its_single_tags():
    from matching.engine.passages import UNQUOTED_FIELDS, UNSCORED_FIELDS, company_document

    profile = {
        "summary": "복약 디스펜서",
        "description": "약을 내어줍니다.",
        "technologies": ["pill dispensing", " robotics "],
        "domains": ["elderly care"],
        "references": [],
    }
    fields = [p.field for p in company_passages(**profile)]

    scored = [f for f in fields if f not in UNSCORED_FIELDS]
    quoted = [f for f in fields if f not in UNQUOTED_FIELDS]
    assert scored == ["summary", "description", "tags"]
    assert quoted == ["summary", "description", "technology", "technology", "domain"]
    # The whole text reads each tag once, on its own line, as it did before the list was scored.
    assert (
        company_document(**profile)
        == "복약 디스펜서\n약을 내어줍니다.\npill dispensing\nrobotics\nelderly care"
    )


def test_a_side_keeps_the_passages_asked_for_and_all_of_a_document_left_with_none():
    side = ranking.Side(
        doc=np.zeros((3, 2), dtype=np.float32),
        passages=np.arange(12, dtype=np.float32).reshape(6, 2),
        offsets=np.array([0, 2, 3, 6]),
        fields=["summary", "technology", "technology", "summary", "tags", "domain"],
    )
    keep = np.array([f != "technology" for f in side.fields])

    rows = side.rows_kept(keep)
    kept = side.only(rows)

    # The second document has only a technology passage: it keeps it.
    assert rows.tolist() == [0, 2, 3, 4, 5]
    assert kept.offsets.tolist() == [0, 1, 2, 5]
    assert kept.fields == ["summary", "technology", "summary", "tags", "domain"]
    assert kept.passages[:, 0].tolist() == [0.0, 4.0, 6.0, 8.0, 10.0]


def test_idea_passages_keep_title_problem_and_proposal():
    passages = idea_passages(title="제목", problem="문제가 있어요. 정말 불편해요.", proposal="해결해 주세요.")

    assert [p.field for p in passages] == ["title", "problem", "problem", "proposal"]


def _side(docs: list[list[list[float]]], fields=None) -> ranking.Side:
    passages = [np.array(p, dtype=np.float32) for doc in docs for p in doc]
    passages = [p / np.linalg.norm(p) for p in passages]
    offsets = np.cumsum([0] + [len(doc) for doc in docs])
    doc_vectors = [np.mean(passages[offsets[n] : offsets[n + 1]], axis=0) for n in range(len(docs))]
    return ranking.Side(
        doc=np.stack([v / np.linalg.norm(v) for v in doc_vectors]).astype(np.float32),
        passages=np.stack(passages).astype(np.float32),
        offsets=offsets,
        fields=fields or ["description"] * len(passages),
    )


def _levels(scores: np.ndarray) -> np.ndarray:
    return ranking.strength_levels(scores, ranking.column_stats(scores))


def test_a_company_that_stands_out_for_an_idea_is_a_match_and_the_nearest_of_many_equals_is_not():
    rng = np.random.default_rng(0)
    # 12 ideas x 12 companies of unrelated texts (similarity about 0.1), but idea 0 meets company
    # 0 clearly (0.45) and idea 1 meets company 1 a little more than the rest (0.14).
    scores = 0.1 + 0.01 * rng.standard_normal((12, 12))
    scores[0, 0] = 0.45
    scores[1, 1] = 0.16

    levels = _levels(scores)

    assert levels[0, 0] == ranking.STRONG
    assert levels[1, 1] == ranking.POSSIBLE
    # Every other idea's nearest company is only the least far of equals.
    others = np.ones_like(levels, dtype=bool)
    others[0, 0] = others[1, 1] = False
    assert (levels[others] == ranking.WEAK).all()


def test_a_hub_profile_close_to_every_idea_stands_out_for_none():
    rng = np.random.default_rng(1)
    scores = 0.1 + 0.01 * rng.standard_normal((12, 12))
    scores[:, 5] = 0.35  # generic wording: close to everything, so no idea stands out for it

    assert (_levels(scores)[:, 5] == ranking.WEAK).all()


def test_with_few_companies_strength_falls_back_to_the_similarity_alone():
    scores = np.array([[0.35, 0.25, 0.1]] * 3)

    assert _levels(scores)[0].tolist() == [ranking.STRONG, ranking.POSSIBLE, ranking.WEAK]


def test_lists_put_a_stronger_match_before_a_higher_but_weaker_score():
    keys = ranking.ranking_key(np.array([[0.3, 0.2]]), np.array([[ranking.WEAK, ranking.POSSIBLE]]))

    assert keys[0, 1] > keys[0, 0]


def test_similarity_averages_whole_text_and_each_idea_sentence_best_profile_passage():
    ideas = _side([[[1, 0, 0], [0, 1, 0]]])
    companies = _side([[[1, 0, 0], [0, 1, 0], [0, 0, 1]]])

    similarity = ranking.similarity(ideas, companies)

    # Both idea sentences find their own passage (max-sim 1.0); whole texts meet at 2/sqrt(6).
    assert np.isclose(similarity[0, 0], (1.0 + 2 / np.sqrt(6)) / 2, atol=1e-5)


def test_top_k_skips_blocked_cells_and_orders_best_first():
    scores = np.array([[0.1, 0.9, 0.5, 0.7]])
    blocked = np.array([[False, True, False, False]])

    assert ranking.top_k(scores, 2, axis=1, blocked=blocked).tolist() == [[3, 2]]
    assert ranking.top_k(scores, 5, axis=1).tolist() == [[1, 3, 2, 0]]
