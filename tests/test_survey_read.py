"""Reading questionnaire data safely: read_survey, apply_codebook, multi/rank checks (survey.md §2).

Every fixture file is written into tmp_path by the test that uses it.
"""

from __future__ import annotations

import dataclasses
import io
import time
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cvlib._warnings import CvlibWarning
from cvlib.survey import (
    NA_LIKE_TOKENS,
    NA_PRESETS,
    Codebook,
    ReadNote,
    ReadReport,
    SurveyData,
    apply_codebook,
    check_multi,
    check_rank,
    read_survey,
)
from cvlib.survey._common import numeric_items, unwrap

pyreadstat = pytest.importorskip("pyreadstat")

SAT7 = {"scale": "sat7_zh"}


def _csv(tmp_path, text, name="s.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadNote)
        return func(*args, **kwargs)


# ---- §2.7 required tests, one per row of the table --------------------------------------------

NA_LIKE_CSV = "id,exercise\n1,None\n2,NA\n3,Neutral\n4,N/A\n5,\n6,Light\n"


def test_na_like_tokens_stay_values_only_blank_missing_survey_2_7_row1(tmp_path):
    path = _csv(tmp_path, NA_LIKE_CSV)
    # pandas' default NA list would lose three answers (the reason for §2.1)
    assert pd.read_csv(path)["exercise"].isna().sum() == 4
    with pytest.warns(ReadNote, match="'exercise': 'None' x1; 'exercise': 'NA' x1"):
        s = read_survey(path)
    assert s.data["exercise"].tolist()[:4] == ["None", "NA", "Neutral", "N/A"]
    assert s.data["exercise"].isna().tolist() == [False, False, False, False, True, False]
    assert s.missing_reasons["exercise"].tolist() == [None, None, None, None, "blank", None]
    assert s.report.na_like["token"].tolist() == ["None", "NA", "N/A"]  # Neutral is not NA-like
    assert s.report.codebook_source == "none"
    assert "No codebook was applied" in s.report.text()


def test_declared_na_values_become_missing_survey_2_7_row2(tmp_path):
    path = _csv(tmp_path, NA_LIKE_CSV)
    for kwargs in ({"na_values": ["NA"]}, {"na_preset": "r_csv"}):
        s = _quiet(read_survey, path, **kwargs)
        assert s.data["exercise"].isna().tolist() == [False, True, False, False, True, False]
        assert s.missing_reasons["exercise"].tolist()[1] == "na_values: NA"
        assert s.data["exercise"].tolist()[3] == "N/A"  # only the declared token
        assert s.report.na_values == ("NA",)


def test_declared_missing_code_keeps_reason_survey_2_7_row3(tmp_path):
    path = _csv(tmp_path, "q1\n7\n-99\n3\n")
    cb = {"q1": {**SAT7, "missing_codes": {-99: "refused"}}}
    s = read_survey(path, cb)
    assert s.data["q1"].tolist()[0] == 7.0 and np.isnan(s.data["q1"].iloc[1])
    assert s.missing_reasons["q1"].tolist() == [None, "refused", None]
    assert s.report.missing.to_dict("records") == [{"item": "q1", "reason": "refused", "n": 1}]


def test_undeclared_code_outside_scale_raises_survey_2_7_row4(tmp_path):
    path = _csv(tmp_path, "q1\n7\n-99\n3\n")
    with pytest.raises(ValueError, match="row 1, column 'q1': '-99' \\(outside \\[1, 7\\]\\)"):
        read_survey(path, {"q1": SAT7})
    # opt-in: read as missing, counted
    s = read_survey(path, {"q1": SAT7}, out_of_range="missing")
    assert s.missing_reasons["q1"].tolist() == [None, "out of range", None]
    assert s.report.n_out_of_range == 1
    conv = s.report.conversions
    assert conv.to_dict("records") == [
        {"item": "q1", "kind": "out of range -> missing", "value": "-99", "to": None, "n": 1}
    ]


def _write_sav(path):
    df = pd.DataFrame(
        {
            "q1": [1.0, 7.0, -99.0, np.nan, 4.0],
            "q2": [3.0, 98.0, 99.0, 1.0, 5.0],
            "note": ["None", "NA", "", "Neutral", "好"],
        }
    )
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels={"q1": "服务态度", "q2": "环境", "note": "意见"},
        variable_value_labels={
            "q1": {-99: "拒答", 1: "很不满意", 7: "很满意"},
            "q2": {98: "不知道", 1: "差", 5: "好"},
        },
        missing_ranges={"q1": [-99], "q2": [{"lo": 98, "hi": 99}]},
        variable_measure={"q1": "ordinal", "q2": "ordinal"},
    )


def test_sav_user_missing_reasons_and_labels_survey_2_7_row5(tmp_path):
    path = tmp_path / "s.sav"
    _write_sav(path)
    s = _quiet(read_survey, path)
    assert s.data["q1"].isna().tolist() == [False, False, True, True, False]
    assert s.missing_reasons["q1"].tolist() == [None, None, "拒答", "system missing", None]
    assert s.data["q2"].isna().tolist() == [False, True, True, False, False]
    assert s.missing_reasons["q2"].tolist() == [
        None,
        "不知道",
        "user missing 98..99 (SPSS)",
        None,
        None,
    ]
    # labels and wording are in the codebook
    assert s.codebook["q1"].labels == {-99: "拒答", 1: "很不满意", 7: "很满意"}
    assert s.codebook["q2"].label(5) == "好" and s.codebook["q1"].wording == "服务态度"
    # SPSS strings keep None / NA / Neutral; the blank string is missing (rule 1)
    assert s.data["note"].tolist()[:2] == ["None", "NA"]
    assert s.missing_reasons["note"].tolist()[2] == "blank"
    assert s.report.codebook_source == ".sav metadata" and s.report.format == "sav"


def test_sav_with_a_given_codebook_keeps_file_missing_values(tmp_path):
    path = tmp_path / "s.sav"
    _write_sav(path)
    s = _quiet(
        read_survey, path, {"q1": SAT7, "q2": {"type": "likert", "scale_min": 1, "scale_max": 5}}
    )
    assert s.report.codebook_source == "given + .sav metadata"
    assert s.codebook["q1"].labels[7] == "很满意"  # the given item wins
    assert s.codebook["q1"].missing_codes == {-99: "拒答"}  # the file's declaration is added
    assert s.codebook["q1"].wording == "服务态度"
    assert s.missing_reasons["q2"].tolist()[1:3] == ["不知道", "user missing 98..99 (SPSS)"]
    with pytest.raises(ValueError, match="inside the codebook's scale \\[1, 100\\]"):
        read_survey(path, {"q2": {"type": "likert", "scale_min": 1, "scale_max": 100}})


def test_excel_none_label_cell_kept_survey_2_7_row6(tmp_path):
    path = tmp_path / "s.xlsx"
    pd.DataFrame({"exercise": ["None", "Light", "Heavy", None], "q1": [7, 6.0, 1, 4]}).to_excel(
        path, index=False
    )
    s = _quiet(read_survey, path)
    assert s.data["exercise"].tolist()[:3] == ["None", "Light", "Heavy"]
    assert s.missing_reasons["exercise"].tolist()[3] == "blank"
    assert s.data["q1"].dtype == np.float64
    # as a codebook label "None" is an answer code, not missing
    cb = {
        "exercise": {"type": "nominal", "labels": {0: "None", 1: "Light", 2: "Heavy"}},
        "q1": SAT7,
    }
    s = read_survey(path, cb)
    assert s.data["exercise"].tolist()[:3] == [0.0, 1.0, 2.0]
    assert s.data["q1"].tolist() == [7.0, 6.0, 1.0, 4.0]  # integral floats accepted (§2.3)
    assert s.report.na_like.empty  # mapped labels are not reported as NA-like


def test_labels_mapped_after_strip_and_nfkc_survey_2_7_row7(tmp_path):
    path = _csv(tmp_path, "q1\n满意 \n\u3000很满意\n很满意\n７\n")
    s = read_survey(path, {"q1": SAT7})
    assert s.data["q1"].tolist() == [6.0, 7.0, 7.0, 7.0]
    assert s.report.n_normalized == 3
    assert s.report.items.loc["q1", "n_mapped"] == 3


# ---- labels, values and missing codes --------------------------------------------------------


def test_unknown_labels_listed_with_counts(tmp_path):
    path = _csv(tmp_path, "q1\n非常满意\n很满意\n非常满意\n还行\n")
    with pytest.raises(ValueError) as err:
        read_survey(path, {"q1": SAT7})
    msg = str(err.value)
    assert "unknown label(s)" in msg
    assert "item 'q1': '非常满意' x2, '还行' x1" in msg
    assert "'很满意'" in msg  # the codebook labels are shown


def test_na_like_token_in_a_scaled_item_is_an_unknown_label_with_a_hint(tmp_path):
    path = _csv(tmp_path, "q1\n很满意\nNA\n")
    with pytest.raises(ValueError, match="'NA' x1.*look\\(s\\) like a missing-value token"):
        read_survey(path, {"q1": SAT7})
    s = read_survey(path, {"q1": SAT7}, na_preset="r_csv")
    assert s.missing_reasons["q1"].tolist() == [None, "na_values: NA"]


def test_case_insensitive_label_matching_is_opt_in(tmp_path):
    path = _csv(tmp_path, "q1\nVery Satisfied\nneutral\n")
    with pytest.raises(ValueError, match="'Very Satisfied' x1"):
        read_survey(path, {"q1": SAT7})
    s = read_survey(path, {"q1": SAT7}, case_insensitive=True)
    assert s.data["q1"].tolist() == [7.0, 4.0]
    assert s.report.case_insensitive


def test_non_integer_on_likert_raises_and_at_most_20_listed(tmp_path):
    path = tmp_path / "s.xlsx"
    pd.DataFrame({"q1": [7.5] + [9] * 29}).to_excel(path, index=False)
    with pytest.raises(ValueError) as err:
        read_survey(path, {"q1": SAT7})
    msg = str(err.value)
    assert "30 value(s) are not valid codes" in msg
    assert "row 0, column 'q1': 7.5 (not an integer)" in msg
    assert "row 1, column 'q1': 9 (outside [1, 7])" in msg
    assert msg.count("column 'q1'") == 20 and "... and 10 more" in msg


def test_text_in_numeric_item_raises(tmp_path):
    path = _csv(tmp_path, "visits\n3\n两次\n4\n")
    with pytest.raises(
        ValueError, match="text in numeric item\\(s\\):\n  item 'visits': '两次' x1"
    ):
        read_survey(path, {"visits": {"type": "numeric", "scale_min": 0}})


def test_numeric_item_range_and_values(tmp_path):
    path = _csv(tmp_path, "days,per_day\n20,3\n-1,2.5\n")
    cb = {"days": {"type": "numeric", "scale_min": 0}, "per_day": {"type": "numeric"}}
    with pytest.raises(ValueError, match="row 1, column 'days': '-1' \\(below scale_min 0\\)"):
        read_survey(path, cb)
    s = read_survey(path, cb, out_of_range="missing")
    assert s.data["per_day"].tolist() == [3.0, 2.5]


def test_nominal_codes_must_be_label_codes_and_text_without_labels_stays_text(tmp_path):
    path = _csv(tmp_path, "city,brand\n1,宝马\n3,奔驰\n")
    cb = {
        "city": {"type": "nominal", "labels": {1: "北京", 2: "上海"}},
        "brand": {"type": "nominal"},
    }
    with pytest.raises(ValueError, match="column 'city': '3' \\(not a label code\\)"):
        read_survey(path, cb)
    path = _csv(tmp_path, "city,brand\n1,宝马\n北京,奔驰\n", name="t.csv")
    s = read_survey(path, cb)
    assert s.data["city"].tolist() == [1.0, 1.0]
    assert s.data["brand"].tolist() == ["宝马", "奔驰"]
    assert s.report.items.loc["brand", "read_as"] == "text"


def test_missing_codes_as_labels_and_strings_and_na_values_numbers(tmp_path):
    path = _csv(tmp_path, "q1,comment,q2\n拒答,未填,-8\n5,好,3\n,,\n")
    cb = {
        "q1": {**SAT7, "labels": {-99: "拒答"}, "missing_codes": {-99: "refused"}},
        "comment": {"type": "text", "missing_codes": {"未填": "not answered", -9: "skipped"}},
        "q2": {"scale": "likert5"},
    }
    s = read_survey(path, cb, na_values={"q2": [-8]})
    assert s.missing_reasons.iloc[0].tolist() == ["refused", "not answered", "na_values: -8"]
    assert s.missing_reasons.iloc[2].tolist() == ["blank", "blank", "blank"]
    assert s.data.iloc[1].tolist() == [5.0, "好", 3.0]
    s = read_survey(_csv(tmp_path, "comment\n-9\n好\n", name="t.csv"), {"comment": cb["comment"]})
    assert s.missing_reasons["comment"].tolist() == ["skipped", None]


def test_text_items_are_stripped_not_nfkc_normalized(tmp_path):
    path = _csv(tmp_path, "comment\n 服务很好，谢谢！ \n")
    s = read_survey(path, {"comment": {"type": "text"}})
    assert s.data["comment"].tolist() == ["服务很好，谢谢！"]  # full-width punctuation kept
    assert s.report.n_normalized == 1


def test_without_codebook_numbers_numeric_text_text_and_leading_zeros_kept(tmp_path):
    path = _csv(tmp_path, "code,score,city\n001,7,北京\n002,１０,上海\n")
    s = read_survey(path)
    assert s.data["code"].tolist() == ["001", "002"]
    assert s.data["score"].dtype == np.float64 and s.data["score"].tolist() == [7.0, 10.0]
    assert s.data["city"].tolist() == ["北京", "上海"]
    assert s.codebook is None
    assert s.report.items["type"].unique().tolist() == ["no codebook"]
    assert s.report.items["read_as"].tolist() == ["text", "numeric", "text"]


# ---- codebook vs data ---------------------------------------------------------------------------


def test_columns_not_in_codebook_read_as_given_or_strict_error(tmp_path):
    path = _csv(tmp_path, "q1,age,city\n很满意,35,北京\n")
    with pytest.warns(ReadNote, match="'age', 'city' are not in the codebook"):
        s = read_survey(path, {"q1": SAT7})
    assert s.report.not_in_codebook == ("age", "city")
    assert s.report.items.loc["age", "type"] == "not in codebook"
    assert s.data["age"].tolist() == [35.0] and s.data["city"].tolist() == ["北京"]
    assert "Not in codebook, read as given: age, city." in s.report.text()
    with pytest.raises(ValueError, match="strict=True: column\\(s\\) 'age', 'city' are not in"):
        read_survey(path, {"q1": SAT7}, strict=True)


def test_codebook_items_absent_from_data_raise(tmp_path):
    path = _csv(tmp_path, "q1\n7\n")
    with pytest.raises(ValueError, match="codebook item\\(s\\) 'q2', 'q3' are not columns"):
        read_survey(path, {"q1": SAT7, "q2": SAT7, "q3": SAT7})


def test_duplicate_ids_listed_with_rows(tmp_path):
    path = _csv(tmp_path, "id,q1\nA1,7\nA2,6\nA1,5\nA3,4\nA2,3\n")
    with pytest.raises(ValueError) as err:
        read_survey(path, {"q1": SAT7}, id="id")
    msg = str(err.value)
    assert "2 duplicate id(s)" in msg
    assert "'A1' in rows 0, 2" in msg and "'A2' in rows 1, 4" in msg


def test_ids_become_the_index_blank_ids_raise(tmp_path):
    s = read_survey(_csv(tmp_path, "id,q1\n007,7\n008,6\n"), {"q1": SAT7}, id="id")
    assert s.data.index.tolist() == ["007", "008"] and s.data.index.name == "id"
    assert s.missing_reasons.index.equals(s.data.index)
    s = read_survey(_csv(tmp_path, "id,q1\n7,7\n8,6\n", name="t.csv"), {"q1": SAT7}, id="id")
    assert s.data.index.tolist() == [7, 8]
    with pytest.raises(ValueError, match="id column 'id' is empty in 1 row"):
        read_survey(_csv(tmp_path, "id,q1\n1,7\n ,6\n", name="u.csv"), {"q1": SAT7}, id="id")
    with pytest.raises(KeyError, match="id column 'rid' not found"):
        read_survey(_csv(tmp_path, "id,q1\n1,7\n", name="v.csv"), {"q1": SAT7}, id="rid")


def test_errors_name_rows_by_id(tmp_path):
    path = _csv(tmp_path, "id,q1\nR1,7\nR2,9\n")
    with pytest.raises(ValueError, match="row 'R2', column 'q1': '9'"):
        read_survey(path, {"q1": SAT7}, id="id")


def test_excel_merged_title_row_raises_with_header_hint(tmp_path):
    path = tmp_path / "merged.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "2024年客户满意度调查"
    ws.merge_cells("A1:D1")
    ws.append(["id", "q1", "q2", "comment"])
    ws.append([1, "很满意", "满意", "无"])
    ws.append([2, "一般", "很满意", None])
    wb.save(path)
    cb = {"q1": SAT7, "q2": SAT7, "comment": {"type": "text"}}
    with pytest.raises(ValueError, match="(?s)title or merged header cells.*header=.*skiprows="):
        read_survey(path, cb, id="id")
    s = _quiet(read_survey, path, cb, id="id", header=1)
    assert s.data["q1"].tolist() == [7.0, 4.0]
    s = _quiet(read_survey, path, cb, id="id", skiprows=1)
    assert s.data["q2"].tolist() == [6.0, 7.0]


def test_csv_two_level_header_names_in_first_data_row(tmp_path):
    path = _csv(tmp_path, "基本信息,满意度,满意度2\nid,q1,q2\n1,7,6\n")
    with pytest.raises(ValueError, match="(?s)item names are in the first data row.*header=1"):
        read_survey(path, {"q1": SAT7, "q2": SAT7})


def test_unnamed_first_column_suggests_id(tmp_path):
    path = tmp_path / "idx.csv"
    pd.DataFrame({"q1": [7, 6]}).to_csv(path)  # index written without a header
    with pytest.raises(ValueError, match="(?s)first column has no name.*id='Unnamed: 0'"):
        read_survey(path, {"q1": SAT7})
    s = read_survey(path, {"q1": SAT7}, id="Unnamed: 0")
    assert s.data.index.tolist() == [0, 1]
    path = _csv(tmp_path, "q1,,q2\n7,x,6\n", name="gap.csv")
    with pytest.raises(ValueError, match="'Unnamed: 1' have no name in the header row"):
        read_survey(path)


def test_all_answers_missing_row_kept_and_counted(tmp_path):
    path = _csv(tmp_path, "id,q1,q2\n1,7,6\n2,,\n3, ,拒答\n")
    cb = {"q1": SAT7, "q2": {**SAT7, "labels": {-99: "拒答"}, "missing_codes": {-99: "拒答"}}}
    s = read_survey(path, cb, id="id")
    assert len(s.data) == 3
    assert s.report.n_all_missing == 2 and s.report.all_missing_rows == [2, 3]
    assert "2 respondents have every item missing (rows kept)" in s.report.text()


# ---- encodings ------------------------------------------------------------------------------


def test_encoding_auto_falls_back_to_gb18030_and_reports_it(tmp_path):
    path = _csv(tmp_path, "q1\n很满意\n一般\n", encoding="gb18030")
    with pytest.raises(
        ValueError, match="(?s)cannot decode 's.csv' as 'utf-8-sig'.*encoding='auto'"
    ):
        read_survey(path, {"q1": SAT7})
    s = read_survey(path, {"q1": SAT7}, encoding="auto")
    assert s.report.encoding == "gb18030" and s.data["q1"].tolist() == [7.0, 4.0]
    bom = _csv(tmp_path, "\ufeffq1\n很满意\n", name="bom.csv")
    s = read_survey(bom, {"q1": SAT7}, encoding="auto")
    assert s.report.encoding == "utf-8-sig" and s.data.columns.tolist() == ["q1"]


def test_buffers_and_explicit_format(tmp_path):
    s = read_survey(io.StringIO("q1\n7\n"), {"q1": SAT7})
    assert s.report.source == "StringIO" and s.report.encoding is None
    raw = "q1\n很满意\n".encode("gb18030")
    s = read_survey(io.BytesIO(raw), {"q1": SAT7}, encoding="auto")
    assert s.report.encoding == "gb18030"
    path = _csv(tmp_path, "q1\t7\n", name="s.dat")
    with pytest.raises(ValueError, match="cannot tell the type from the suffix '.dat'"):
        read_survey(path)
    path = _csv(tmp_path, "q1\tq2\n7\t6\n", name="s.tsv")
    assert read_survey(path).data.columns.tolist() == ["q1", "q2"]


# ---- multi-select and rank items (§1.3) ----------------------------------------------------------


def test_multi_select_only_0_1_and_max_select_rows_listed(tmp_path):
    cb = {f"Q17_{c}": {"type": "multi", "max_select": 2} for c in "ABC"}
    ok = _csv(tmp_path, "Q17_A,Q17_B,Q17_C\n1,0,1\n0,,0\n")
    assert read_survey(ok, cb).data.sum().tolist() == [1.0, 0.0, 1.0]
    too_many = _csv(tmp_path, "Q17_A,Q17_B,Q17_C\n1,0,1\n1,1,1\n1,1,1\n", name="t.csv")
    with pytest.raises(ValueError, match="(?s)at most 2 options.*2 row\\(s\\).*row 1: 3 chosen"):
        read_survey(too_many, cb)
    bad = _csv(tmp_path, "Q17_A,Q17_B,Q17_C\n2,0,1\n", name="u.csv")
    with pytest.raises(ValueError, match="row 0, column 'Q17_A': '2' \\(not 0/1\\)"):
        read_survey(bad, cb)


def test_check_multi_direct():
    df = pd.DataFrame({"Q11_A": [1, 0, 2], "Q11_B": [0, 1, np.nan]})
    with pytest.raises(ValueError, match="(?s)'Q11' holds 1 value\\(s\\) other than 0, 1.*row 2"):
        check_multi(df, ["Q11_A", "Q11_B"])
    check_multi(df.iloc[:2], ["Q11_A", "Q11_B"], max_select=1)
    with pytest.raises(ValueError, match="max_select=0 must be a whole number"):
        check_multi(df.iloc[:2], ["Q11_A", "Q11_B"], max_select=0)
    with pytest.raises(KeyError, match="'Q11_C' not found"):
        check_multi(df, ["Q11_C"])
    with pytest.raises(TypeError, match="column 'Q11_A' is not numeric"):
        check_multi(pd.DataFrame({"Q11_A": ["是"]}), ["Q11_A"])


def test_rank_no_duplicate_option_within_a_row(tmp_path):
    cb = {
        f"Q7_r{k}": {
            "type": "rank",
            "n_ranks": 3,
            "labels": {1: "价格", 2: "服务", 3: "位置", 4: "品牌"},
        }
        for k in (1, 2, 3)
    }
    ok = _csv(tmp_path, "Q7_r1,Q7_r2,Q7_r3\n价格,服务,位置\n4,2,\n")
    assert read_survey(ok, cb).data.iloc[0].tolist() == [1.0, 2.0, 3.0]
    dup = _csv(tmp_path, "Q7_r1,Q7_r2,Q7_r3\n1,2,1\n2,3,4\n", name="t.csv")
    with pytest.raises(
        ValueError, match="(?s)rank question 'Q7'.*row 0: option 1 at 'Q7_r1' and 'Q7_r3'"
    ):
        read_survey(dup, cb)
    two = {k: v for k, v in cb.items() if k != "Q7_r3"}
    with pytest.raises(ValueError, match="n_ranks \\[3\\] but 2 rank column"):
        read_survey(_csv(tmp_path, "Q7_r1,Q7_r2\n1,2\n", name="u.csv"), two)


def test_check_rank_direct_on_text_options():
    df = pd.DataFrame({"Q8_r1": ["价格", "服务"], "Q8_r2": ["价格", None]})
    with pytest.raises(ValueError, match="row 0: option '价格'"):
        check_rank(df, ["Q8_r1", "Q8_r2"])
    check_rank(df.iloc[1:], ["Q8_r1", "Q8_r2"])


# ---- apply_codebook and the result ------------------------------------------------------------


def test_apply_codebook_matches_read_survey_and_does_not_mutate(tmp_path):
    text = "id,q1,q2,comment\n1,很满意,3,None\n2, 满意,拒答,\n3,７,5,无\n"
    cb = {
        "q1": SAT7,
        "q2": {"scale": "likert5", "labels": {-99: "拒答"}, "missing_codes": {-99: "refused"}},
        "comment": {"type": "text"},
    }
    from_file = _quiet(read_survey, _csv(tmp_path, text), cb, id="id")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    before = frame.copy()
    in_memory = _quiet(apply_codebook, frame, cb, id="id")
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(in_memory.data, from_file.data)
    pd.testing.assert_frame_equal(in_memory.missing_reasons, from_file.missing_reasons)
    assert in_memory.report.format == "DataFrame"


def test_apply_codebook_nan_is_system_missing_and_numeric_frames():
    df = pd.DataFrame({"q1": [7.0, np.nan, 3.0], "q2": [1, 2, 3]}, index=["a", "b", "c"])
    s = apply_codebook(df, {"q1": SAT7, "q2": {"scale": "likert5"}})
    assert s.missing_reasons["q1"].tolist() == [None, "system missing", None]
    assert s.data.index.tolist() == ["a", "b", "c"]
    assert s.data.dtypes.tolist() == [np.float64, np.float64]
    with pytest.raises(ValueError, match="row 'a', column 'q1': 9 \\(outside \\[1, 7\\]\\)"):
        apply_codebook(pd.DataFrame({"q1": [9.0]}, index=["a"]), {"q1": SAT7})
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        apply_codebook([[1, 2]], {"q1": SAT7})


def test_survey_data_shape_reasons_frozen_and_usable_by_survey_helpers(tmp_path):
    s = read_survey(_csv(tmp_path, "q1,q2\n7,\n6,5\n"), {"q1": SAT7, "q2": SAT7})
    assert isinstance(s, SurveyData) and isinstance(s.report, ReadReport)
    reasons = s.missing_reasons
    assert reasons.shape == s.data.shape and reasons.columns.equals(s.data.columns)
    assert all(dtype == np.dtype(object) for dtype in reasons.dtypes)
    assert reasons.isna().to_numpy().sum() == 3  # None where a value is present
    frame = s.data
    frame.iloc[0, 0] = 1.0
    assert s.data.iloc[0, 0] == 7.0  # every read is a new copy
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.codebook = None  # type: ignore[misc]
    data, codebook, reasons2 = unwrap(s)
    assert isinstance(codebook, Codebook) and reasons2.equals(reasons)
    assert numeric_items(data, ["q1", "q2"]).dtypes.tolist() == [np.float64, np.float64]
    assert "shape=(2, 2)" in repr(s)
    assert "<table" in s._repr_html_()


def test_report_summary_and_bilingual_text(tmp_path):
    path = _csv(tmp_path, "q1,q2\n很满意,-99\n,满意 \n拒答,3\n")
    cb = {
        "q1": {**SAT7, "labels": {-99: "拒答"}, "missing_codes": {-99: "refused"}},
        "q2": {**SAT7, "missing_codes": {-99: "refused"}},
    }
    r = read_survey(path, cb).report
    summary = r.summary()
    assert summary.loc[
        "q1", ["n_valid", "n_missing", "missing: blank", "missing: refused"]
    ].tolist() == [1, 2, 1, 1]
    assert summary.loc["q2", ["n_valid", "n_missing", "n_normalized", "n_mapped"]].tolist() == [
        2,
        1,
        1,
        1,
    ]
    assert r.n_rows == 3 and r.n_columns == 2 and r.encoding == "utf-8-sig"
    assert "3 respondents x 2 items, 3 missing cells" in r.text()
    assert "3 名受访者 × 2 个题项" in r.text("zh")
    with pytest.raises(ValueError, match="lang='fr'"):
        r.text("fr")


def test_bad_options_rejected(tmp_path):
    path = _csv(tmp_path, "q1\n7\n")
    with pytest.raises(ValueError, match="out_of_range='drop' is not a valid option"):
        read_survey(path, {"q1": SAT7}, out_of_range="drop")
    with pytest.raises(ValueError, match="na_preset='spss' is not a valid option"):
        read_survey(path, na_preset="spss")
    with pytest.raises(ValueError, match="na_values names column\\(s\\) 'q9'"):
        read_survey(path, na_values={"q9": ["NA"]})
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_survey(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="read one sheet at a time"):
        pd.DataFrame({"q1": [7]}).to_excel(tmp_path / "s.xlsx", index=False)
        read_survey(tmp_path / "s.xlsx", sheet_name=None)


def test_sav_without_pyreadstat_names_the_spss_extra(tmp_path, monkeypatch):
    import sys

    path = tmp_path / "s.sav"
    _write_sav(path)
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    with pytest.raises(ImportError, match="pip install 'cvlib-crm\\[spss\\]'"):
        read_survey(path)


def test_read_note_is_a_cvlib_warning_and_constants():
    assert issubclass(ReadNote, CvlibWarning)
    assert NA_PRESETS["r_csv"] == ("NA",)
    assert {"None", "NA", "N/A", "null", "NaN", "无", "不适用", "-", "."} <= NA_LIKE_TOKENS
    assert "Neutral" not in NA_LIKE_TOKENS


def test_read_survey_20k_rows_50_items_is_vectorised(tmp_path):
    # A smoke test of the vectorised path (labels and codes mixed, 5 % blanks), kept small so the
    # suite stays fast: speed is measured in benchmarks, never asserted tightly here.
    rng = np.random.default_rng(0)
    n, k = 20_000, 50
    labels = np.array(["很不满意", "不满意", "不太满意", "一般", "较满意", "满意", "很满意"])
    cols = {}
    for j in range(k):
        v = rng.integers(1, 8, n).astype(str) if j % 2 else labels[rng.integers(0, 7, n)]
        v = v.astype(object)
        v[rng.random(n) < 0.05] = ""
        cols[f"q{j}"] = v
    path = tmp_path / "big.csv"
    pd.DataFrame(cols).to_csv(path, index=False)
    cb = {f"q{j}": SAT7 for j in range(k)}
    start = time.perf_counter()
    s = read_survey(path, cb)
    elapsed = time.perf_counter() - start
    assert s.data.shape == (n, k) and (s.data.dtypes == np.float64).all()
    assert s.report.items["n_missing"].sum() == s.data.isna().to_numpy().sum()
    assert elapsed < 60  # about 1 s on a laptop; only catches a per-cell Python loop
