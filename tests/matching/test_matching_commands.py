import json
from io import StringIO

import pytest
from django.core.management import call_command

from ideas.models import Idea
from matching.models import Embedding, Match
from tests.matching.conftest import COMPANIES, IDEAS

pytestmark = pytest.mark.django_db

# Ideas are labelled with the company that can pilot them; the two pill ideas are duplicates.
RELEVANT = {
    "pills": "care",
    "pills_en": "care",
    "crossing": "traffic",
    "leaves": "farm",
    "underpass": "flood",
}


@pytest.fixture
def dataset(tmp_path):
    data = {
        "companies": [
            {
                "key": key,
                "name": c["name"],
                "language": "ko",
                "summary": c["summary"],
                "description": c["description"],
                "technologies": c["technologies"],
                "domains": c["domains"],
            }
            for key, c in COMPANIES.items()
        ],
        "ideas": [
            {
                "key": key,
                "language": lang,
                "title": title,
                "body": f"{problem} {proposal}",
                "category": category,
                "relevant": {RELEVANT[key]: 2} if key in RELEVANT else {},
            }
            for key, (title, problem, proposal, category, lang) in IDEAS.items()
        ],
        "duplicates": [
            {"a": "pills", "b": "pills_en", "duplicate": True},
            {"a": "pills", "b": "crossing", "duplicate": False},
            {"a": "leaves", "b": "dogs", "duplicate": False},
        ],
    }
    path = tmp_path / "eval.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_evaluate_matching_scores_the_production_ranking_and_keeps_nothing(dataset):
    out = StringIO()

    call_command("evaluate_matching", str(dataset), "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert {
        "ndcg_at_5",
        "recall_at_5",
        "mrr",
        "duplicate_auc",
        "by_language",
        "seconds",
        "texts_per_second",
    } <= set(result)
    assert result["ndcg_at_5"] >= 0.9
    assert result["recall_at_5"] == 1.0
    assert result["duplicate_auc"] == 1.0
    assert set(result["by_language"]) == {"ko", "en"}
    assert result["texts_per_second"] > 0
    for page in ("idea_pages", "company_pages"):
        assert set(result["shown"][page]) == {"precision", "strong_recall", "no_fit_shown", "shown_pairs"}
        assert 0 <= result["shown"][page]["precision"] <= 1
    assert 0 <= result["company_side"]["ndcg_at_10"] <= 1
    assert set(result["similar_while_typing"]) == {"precision", "recall"}
    assert result["korean_tags"]["ndcg_at_5_difference"] >= 0
    assert not Idea.objects.exists() and not Embedding.objects.exists() and not Match.objects.exists()


def test_evaluate_matching_prints_a_table(dataset):
    out = StringIO()

    call_command("evaluate_matching", str(dataset), stdout=out)

    assert "nDCG@5" in out.getvalue() and "duplicate ROC AUC" in out.getvalue()


def test_evaluate_matching_refuses_an_unreadable_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("evaluate_matching", str(tmp_path / "missing.json"))


def test_refresh_matching_embeds_what_is_missing(catalogue):
    Embedding.objects.filter(idea__isnull=False).delete()
    out = StringIO()

    call_command("refresh_matching", stdout=out, stderr=StringIO())

    assert Embedding.objects.filter(idea__isnull=False).count() == len(catalogue["ideas"])
    assert f"Embedded {len(catalogue['ideas'])} ideas" in out.getvalue()


def test_bench_matching_prints_its_figures_and_keeps_nothing(db):
    out = StringIO()

    call_command(
        "bench_matching",
        *("--texts", "4", "--ideas", "60", "--companies", "10", "--new-ideas", "3", "--no-large", "--json"),
        stdout=out,
    )

    result = json.loads(out.getvalue())
    assert result["encode"]["plain_encode_whole_text"] > 0
    assert result["encode"]["pipeline_sweep_batched"] > 0
    assert result["refresh"]["matches_written"] >= 60
    assert 0 < result["encode"]["share_of_plain_whole_text"]["pipeline_sweep_batched"]
    assert result["encode"]["share_of_plain_whole_text"]["plain_encode_whole_text"] == 1.0
    for key in ("new_idea_p50_s", "new_idea_p95_s", "profile_edit_s", "sweep_noop_s", "full_refresh_s"):
        assert result[key] >= 0
    assert result["full_refresh_peak_mb"] > 0 and result["cores"] >= 1
    # The figures depend on which kernels numpy's products ran on, so the run names them.
    assert result["blas"]["library"] and result["blas"]["kernels"]
    assert not Idea.objects.exists()


def test_bench_matching_prints_a_table(db):
    out = StringIO()

    call_command(
        "bench_matching",
        *("--texts", "4", "--ideas", "30", "--companies", "3", "--new-ideas", "2", "--no-large"),
        stdout=out,
    )

    printed = out.getvalue()
    assert "share of plain whole-text encode" in printed
    assert "pipeline: sweep, batched (DB + cache)" in printed
    assert "Refresh all matches, 30 ideas x 3 companies" in printed
    assert "Matrix products: openblas" in printed
    assert not Idea.objects.exists()


def test_evaluate_matching_leaves_the_sites_own_data_out_and_untouched(dataset, catalogue):
    before = Match.objects.count()
    out = StringIO()

    call_command("evaluate_matching", str(dataset), "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert result["recall_at_5"] == 1.0
    assert Match.objects.count() == before
    assert not Idea.objects.filter(is_hidden=True).exists()
