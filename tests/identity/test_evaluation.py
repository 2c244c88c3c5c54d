"""Scoring identity resolution: pairwise precision and recall, and the linkability ceiling."""

from __future__ import annotations

from suraksha.synthetic.evaluation import linkability_ceiling, pairwise_score

TRUTH = {"r1": "P1", "r2": "P1", "r3": "P1", "r4": "P2", "r5": "P2", "r6": "P3"}


def test_pairwise_score_counts_pairs() -> None:
    score = pairwise_score([["r1", "r2", "r4"], ["r3"], ["r5"]], TRUTH)
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (4, 3, 1)
    assert (score.precision, score.recall) == (1 / 3, 1 / 4)


def test_the_ceiling_chains_shared_values_within_a_person_only() -> None:
    values = {
        "r1": {"phone:+919847000001"},
        "r2": {"phone:+919847000001", "email:a@example.in"},
        "r3": {"email:a@example.in"},  # joined to r1 through r2: a chain
        "r4": {"phone:+919847000001"},  # another person on the same phone: never joined
        "r5": set(),  # P2's second report shares nothing with the first: unlinkable
        "r6": {"email:a@example.in"},
    }
    ceiling = linkability_ceiling(values, TRUTH)
    assert ceiling.precision == 1.0
    assert (ceiling.correct_pairs, ceiling.true_pairs) == (3, 4)
    assert ceiling.recall == 0.75
