from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

from cvlib import datasets
from cvlib._validation import CvlibInputError


def test_every_bundled_file_matches_its_registered_checksum():
    lines = datasets.check()
    assert len(lines) == len(datasets.REGISTRY)


def test_lubricant_fixture_is_value_and_credit_1_5():
    df = datasets.load_lubricant()
    assert list(df.columns) == datasets.LUBRICANT_CODES
    assert list(df.index) == [1, 2, 3, 4, 5, 6, 7]
    assert df.loc[1].tolist() == [90, 85, 80, 88, 70, 75, 95, 92, 80, 85, 90, 88]
    assert df.loc[7].tolist() == [88, 92, 90, 85, 75, 80, 92, 90, 95, 92, 85, 90]


def test_lubricant_indicator_names_cover_the_12_leaves():
    meta = datasets.load_lubricant_indicators()
    assert list(meta.index) == datasets.LUBRICANT_CODES
    assert set(meta["parent"]) == {"总利润", "销售量", "忠诚度", "信用"}
    assert set(meta["direction"]) == {"benefit"}


def test_bundled_b2b_file_is_the_seeded_generator_output(tmp_path):
    generated = datasets.synthetic_b2b_customers(3000, seed=2026)
    path = tmp_path / "b2b.csv"
    generated.to_csv(path, lineterminator="\n")
    expected = datasets.REGISTRY["b2b_customers"]["sha256"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == expected
    pd.testing.assert_frame_equal(datasets.load_b2b_customers(), pd.read_csv(path, index_col=0))


def test_synthetic_b2b_same_seed_same_table_other_seed_other_table():
    a = datasets.synthetic_b2b_customers(200, seed=7)
    pd.testing.assert_frame_equal(a, datasets.synthetic_b2b_customers(200, seed=7))
    assert not a.equals(datasets.synthetic_b2b_customers(200, seed=8))
    assert (a["TP1"] > 0).all() and (a["revenue"] >= a["TP1"]).all()


def test_synthetic_b2b_rejects_bad_size():
    with pytest.raises(CvlibInputError, match="n must be an integer >= 10"):
        datasets.synthetic_b2b_customers(3)


def test_changed_file_fails_the_checksum_with_a_clear_error(tmp_path):
    for name in datasets.REGISTRY.values():
        shutil.copy(datasets.default_data_dir() / name["file"], tmp_path / name["file"])
    with open(tmp_path / "lubricant_customers.csv", "a", encoding="utf-8") as handle:
        handle.write("8,1,1,1,1,1,1,1,1,1,1,1,1\n")
    with pytest.raises(CvlibInputError, match="was changed"):
        datasets.load_lubricant(tmp_path)
    assert len(datasets.load_b2b_customers(tmp_path)) == 3000


def test_missing_folder_and_unknown_name_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="pass data_dir="):
        datasets.load_lubricant(tmp_path)
    with pytest.raises(CvlibInputError, match="registered data sets"):
        datasets.data_path("cdnow")


def test_check_command_exit_codes(tmp_path, capsys):
    assert datasets.main(["check"]) == 0
    assert datasets.main(["check", str(tmp_path)]) == 1
    assert datasets.main([]) == 2


def test_lubricant_hierarchy_file_has_root_nodes_and_published_weights():
    spec = datasets.load_lubricant_hierarchy()
    assert spec["root"] == "客户价值"
    assert list(spec["nodes"]["总利润"]["children"]) == ["TP1", "TP2", "TP3", "TP4"]
    published = spec["published_composite_weights"]
    assert list(published) == datasets.LUBRICANT_CODES
    assert abs(sum(published.values()) - 1.0) < 1e-9


def test_hierarchy_file_without_nodes_is_rejected(tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text("root: goal\n", encoding="utf-8")
    with pytest.raises(CvlibInputError, match="needs a 'root' name and a 'nodes' mapping"):
        datasets.load_hierarchy_file(path)


def test_cdnow_master_facts_rfm_18():
    """rfm.md §18: 69,659 rows, 23,570 customers, 80 zero amounts, 255 exact duplicates."""
    tx = datasets.load_cdnow()
    assert tx.shape == (69659, 4)
    assert tx["customer_id"].nunique() == 23570
    assert tx["customer_id"].iloc[0] == "00001"
    assert str(tx["date"].min().date()) == "1997-01-01"
    assert str(tx["date"].max().date()) == "1998-06-30"
    assert (tx["dollar_value"] == 0).sum() == 80 and (tx["dollar_value"] < 0).sum() == 0
    assert abs(tx["dollar_value"].sum() - 2_500_315.63) < 1e-6
    assert tx["number_of_cds"].sum() == 167_881
    assert tx.duplicated().sum() == 255


def test_cdnow_other_files_rfm_18():
    sample = datasets.load_cdnow("sample")
    assert sample.shape == (6919, 5) and sample["sample_id"].nunique() == 2357
    summary = datasets.load_cdnow("summary")
    assert len(summary) == 2357 and (summary["frequency"] > 0).sum() == 946
    assert summary["T"].max() == pytest.approx(38.86)
    assert list(datasets.load_cdnow("summary_with_transactions").columns) == [
        "ID",
        "x",
        "t_x",
        "T",
        "zbar",
    ]
    with pytest.raises(CvlibInputError, match="not a CDNOW file"):
        datasets.load_cdnow("weekly")
