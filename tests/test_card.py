from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cvlib.rfm._card import DefinitionCard


def test_card_sections_are_immutable_and_ordered_as_in_rfm_15():
    card = DefinitionCard("rfm_table")
    scored = card.with_section("scoring", {"bins": 5}).with_section("header", {"rows": 69659})
    assert "header" not in card and card.section_names == []
    assert scored.section_names == ["header", "scoring"]
    copy = scored.section("scoring")
    copy["bins"] = 9
    assert scored.section("scoring") == {"bins": 5}


def test_card_to_dict_is_json_serialisable_with_numpy_and_pandas_values():
    card = DefinitionCard("rfm_table").with_section(
        "dates",
        {
            "analysis_date": pd.Timestamp("1998-07-01"),
            "customers": np.int64(23570),
            "share": np.float64(0.5),
            "edges": np.array([142.0, 433.0]),
            "missing": pd.NaT,
            "flag": np.bool_(True),
        },
    )
    data = card.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["dates"]["analysis_date"].startswith("1998-07-01")
    assert data["dates"]["customers"] == 23570 and data["dates"]["missing"] is None


def test_card_update_section_merges_and_text_shows_chinese_names():
    card = DefinitionCard("score").with_section("scoring", {"bins": 5})
    card = card.update_section("scoring", {"ties": "keep"})
    assert card.section("scoring") == {"bins": 5, "ties": "keep"}
    text = card.render("both")
    assert "scoring 评分" in text and "ties" in text and "keep" in text
    assert "<pre>" in card._repr_html_()
    with pytest.raises(KeyError, match="no section 'weights'"):
        card.section("weights")
