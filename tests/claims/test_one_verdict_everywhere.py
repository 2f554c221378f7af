"""One verdict per claim, everywhere (issue 24, item 6).

Every verdict a reader sees for a claim (in the prose and tables notebooks 04, 05 and 07 print, and in
notebook 07's claims_later.csv) must be the one in data/processed/claims/claims_audit.csv.  A claim is
recognised by its id; a verdict word (consistent / inconsistent / unverifiable) in the same clause, after
the id and before the next claim id, is the verdict printed for it.  This holds for every valid data set:
whatever the verdicts are, they must agree.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests.conftest import ROOT

NOTEBOOKS = ("04_run_rate", "05_claims", "07_what_happened")
VERDICT = re.compile(r"\b(consistent|inconsistent|unverifiable)\b")
CLAUSE_END = re.compile(r"[.;\n]|\*\*")


def audit_verdicts() -> dict[str, str]:
    with open(ROOT / "data/processed/claims/claims_audit.csv", encoding="utf-8", newline="") as handle:
        return {row["claim_id"]: row["verdict"] for row in csv.DictReader(handle)}


def printed_texts(notebook: str) -> list[str]:
    """What a reader sees: markdown cells, and every markdown or plain-text output."""
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            texts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for kind in ("text/markdown", "text/plain"):
                if kind in data:
                    texts.append("".join(data[kind]))
            if "text" in output:
                texts.append("".join(output["text"]))
    return texts


def printed_verdicts(text: str, claim_ids: list[str]) -> list[tuple[str, str]]:
    """(claim_id, verdict word) for each claim id followed, in its clause, by exactly one verdict word."""
    ids = re.compile(r"(?<![\w])(" + "|".join(sorted(map(re.escape, claim_ids), key=len, reverse=True)) + r")(?![\w])")
    found = []
    matches = list(ids.finditer(text))
    for here, after in zip(matches, [*matches[1:], None]):
        stop = after.start() if after is not None else len(text)
        end = CLAUSE_END.search(text, here.end(), stop)
        clause = text[here.end():end.start() if end else stop]
        words = set(VERDICT.findall(clause))
        if len(words) == 1:
            found.append((here.group(1), words.pop()))
    return found


def test_the_clause_reader_finds_what_it_should():
    ids = ["a_claim", "b_claim"]
    assert printed_verdicts("`a_claim` is *inconsistent*; `b_claim` is *unverifiable*.", ids) == [
        ("a_claim", "inconsistent"), ("b_claim", "unverifiable")]
    assert printed_verdicts("a_claim                 consistent       supported\nb_claim", ids) == [("a_claim", "consistent")]
    assert printed_verdicts("judged separately (a_claim). It is consistent", ids) == []  # another sentence


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_verdict_printed_in_the_notebook_is_the_audits(notebook):
    verdicts = audit_verdicts()
    wrong = [(claim, word, verdicts[claim]) for text in printed_texts(notebook)
             for claim, word in printed_verdicts(text, list(verdicts)) if word != verdicts[claim]]
    assert wrong == []


def test_notebook_07_carries_the_audits_verdicts():
    verdicts = audit_verdicts()
    with open(ROOT / "data/processed/what_happened/claims_later.csv", encoding="utf-8", newline="") as handle:
        later = {row["claim_id"]: row["verdict"] for row in csv.DictReader(handle)}
    assert later == verdicts


def test_notebook_04_prints_the_capacities_verdicts_from_the_audit():
    """The design capacity once had two verdicts: rejected in notebook 04, unverifiable in 05."""
    verdicts = audit_verdicts()
    text = "\n".join(printed_texts("04_run_rate"))
    printed = dict(printed_verdicts(text, list(verdicts)))
    for claim in ("design_capacity_vs_sales_run_rate", "actual_capacity_vs_april_sales", "actual_vs_design_capacity"):
        assert printed.get(claim) == verdicts[claim]


def test_the_reports_summary_carries_the_audits_verdicts_and_the_later_ones_beside_them():
    verdicts = audit_verdicts()
    summary = json.loads((ROOT / "reports/summary.json").read_text(encoding="utf-8"))
    assert {c["claim_id"]: c["verdict"] for c in summary["claims"]} == verdicts
    with open(ROOT / "data/processed/what_happened/claims_later.csv", encoding="utf-8", newline="") as handle:
        later = {row["claim_id"]: row["later_verdict"] for row in csv.DictReader(handle)}
    assert {c["claim_id"]: c["later_verdict"] for c in summary["claims"]} == later
