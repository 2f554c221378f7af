"""summary.json: each claim of the audit carries notebook 07's later verdict and evidence (issue 24, deliverable 5)."""

from __future__ import annotations

import json

from helpers.report.summary import assemble_summary, with_later_evidence


def _write(root, claims, later_rows):
    claims_dir = root / "data/processed/claims"
    later_dir = root / "data/processed/what_happened"
    claims_dir.mkdir(parents=True)
    later_dir.mkdir(parents=True)
    (claims_dir / "summary.json").write_text(json.dumps(claims), encoding="utf-8")
    lines = ["claim_id,verdict,later_evidence,later_verdict"] + [",".join(r) for r in later_rows]
    (later_dir / "claims_later.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (later_dir / "summary.json").write_text(json.dumps({"scorecard": {}}), encoding="utf-8")


def test_each_claim_gets_its_later_verdict_and_evidence_beside_it(tmp_path):
    claims = [{"claim_id": "a", "verdict": "inconsistent"}, {"claim_id": "b", "verdict": "unverifiable"}]
    _write(tmp_path, claims, [("a", "inconsistent", "monthly deliveries were above it", "contradicted")])
    summary = assemble_summary(tmp_path)
    by_id = {c["claim_id"]: c for c in summary["claims"]}
    assert by_id["a"]["verdict"] == "inconsistent"
    assert (by_id["a"]["later_verdict"], by_id["a"]["later_evidence"]) == ("contradicted", "monthly deliveries were above it")
    assert by_id["b"]["later_verdict"] is None and by_id["b"]["later_evidence"] is None  # no row: said so, not guessed


def test_without_the_later_step_the_claims_are_left_as_they_are(tmp_path):
    claims = [{"claim_id": "a", "verdict": "consistent"}]
    _write(tmp_path, claims, [("a", "consistent", "x", "supported")])
    assert assemble_summary(tmp_path, keys=("claims",))["claims"] == claims
    assert with_later_evidence({"not": "a list"}, tmp_path) == {"not": "a list"}
