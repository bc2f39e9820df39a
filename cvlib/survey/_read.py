"""Reading questionnaire data safely (问卷数据读取, ``methods/survey.md`` §2).

:func:`read_survey` reads CSV, Excel and SPSS ``.sav`` files; :func:`apply_codebook` applies the
same rules to a DataFrame already in memory. Both return a :class:`SurveyData`: the data (codes as
float64, text as text), the codebook, the reason of every missing cell and a read report.

The missing-value rule (§2.1) is a hard requirement: only blank cells, values declared missing
(``na_values=``, a preset, the codebook's ``missing_codes``) and SPSS system/user-missing values
become missing. "None", "NA", "N/A", "null", "NaN", "Neutral", "无", "不适用", "-" and "." stay
answers unless declared; columns holding such tokens are listed in a :class:`ReadNote` warning
and in the report.

Missing reasons (``SurveyData.missing_reasons``; the same shape as ``data``, ``None`` where a value
is present):

=====================================  ===================================================
cell                                    reason
=====================================  ===================================================
empty or whitespace-only text cell      ``"blank"`` (CSV, Excel, SPSS string, DataFrame)
NaN/None in a DataFrame, SPSS sysmis    ``"system missing"``
a value listed in ``na_values``         ``"na_values: <token>"`` (e.g. ``"na_values: NA"``)
a codebook missing code                 its reason, e.g. ``"refused"`` (``"declared missing"``)
an SPSS user-missing value              its value label (e.g. ``"拒答"``), else
                                        ``"user missing (SPSS)"``
an invalid value, ``out_of_range=       ``"out of range"``
"missing"``
=====================================  ===================================================
"""

from __future__ import annotations

import io
import math
import numbers
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cvlib._results import ResultMixin, Snapshot
from cvlib._validation import CvlibInputError, check_choice
from cvlib._warnings import ReadNote
from cvlib.survey._codebook import Codebook, ItemSpec, _pyreadstat, _sav_records
from cvlib.survey._common import unwrap

__all__ = [
    "NA_LIKE_TOKENS",
    "NA_PRESETS",
    "ReadReport",
    "SurveyData",
    "apply_codebook",
    "check_multi",
    "check_rank",
    "read_survey",
]


#: Declared-missing presets for ``na_preset=`` (survey.md §2.1). cvlib never infers them.
NA_PRESETS: dict[str, tuple[str, ...]] = {
    "r_csv": ("NA",),  # R write.csv writes NA for missing values
    "stata_csv": (".",),  # Stata and SAS exports write . for missing numbers
}

#: Tokens that other software reads as missing; cvlib keeps them as values and lists them.
#: pandas' default NA list (read_csv keep_default_na=True) plus common questionnaire fillers.
NA_LIKE_TOKENS: frozenset[str] = frozenset(
    {
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
        "-",
        "--",
        ".",
        "#NULL!",
        "无",
        "不适用",
        "空",
        "缺失",
    }
)
_NA_LIKE_FOLDED = frozenset(t.casefold() for t in NA_LIKE_TOKENS)

_BLANK = "blank"
_SYSMIS = "system missing"
_OUT_OF_RANGE = "out of range"
_CODED = ("likert", "ordinal", "nps", "binary", "nominal", "numeric", "multi", "rank")
_SCALED = ("likert", "ordinal", "nps")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_LEADING_ZERO = re.compile(r"[+-]?0\d")
_UNNAMED = re.compile(r"Unnamed: \d+(?:_level_\d+)?")
_MAX_LISTED = 20


# ---- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class ReadReport(ResultMixin):
    """What :func:`read_survey` / :func:`apply_codebook` did (survey.md §2.6).

    Attributes
    ----------
    source, format : str
        File name (or "DataFrame") and "csv", "excel", "sav" or "DataFrame".
    encoding : str or None
        The text encoding used for a CSV file ("utf-8-sig", "gb18030", ...), else None.
    n_rows, n_columns : int
        Respondents (rows, all kept) and item columns (the ``id`` column excluded).
    id : str or None
        The respondent id column (the index of ``data``).
    codebook_source : str
        "none", "given", ".sav metadata" or "given + .sav metadata".
    items : DataFrame
        Per column: ``type`` (codebook type, or "not in codebook" / "no codebook"),
        ``read_as`` ("codes" float64, "numeric" float64, "text", "as given"), ``n_valid``,
        ``n_missing``, ``n_normalized`` (cells changed by NFKC + strip), ``n_mapped`` (labels
        mapped to codes), ``n_out_of_range`` (invalid values read as missing) and
        ``n_na_like`` (NA-like tokens kept as values).
    missing : DataFrame
        Missing cells by reason, long form: ``item``, ``reason``, ``n``.
    na_like : DataFrame
        NA-like tokens kept as values: ``item``, ``token``, ``n``.
    conversions : DataFrame
        Conversions applied: ``item``, ``kind`` ("label -> code", "out of range -> missing"),
        ``value``, ``to``, ``n``.
    not_in_codebook : tuple of str
        Columns read as given because the codebook has no entry for them.
    n_normalized, n_out_of_range, n_all_missing : int
        Totals; ``n_all_missing`` counts respondents with every item missing (kept).
    all_missing_rows : list
        Their row labels.
    na_values : tuple of str
        The declared missing tokens (``na_values`` and ``na_preset``), as given.
    na_preset, out_of_range, case_insensitive, strict, sheet_name
        The conventions used.
    """

    source: str
    format: str
    encoding: str | None
    n_rows: int
    n_columns: int
    id: str | None
    codebook_source: str
    items: pd.DataFrame = Snapshot()
    missing: pd.DataFrame = Snapshot()
    na_like: pd.DataFrame = Snapshot()
    conversions: pd.DataFrame = Snapshot()
    not_in_codebook: tuple[str, ...] = ()
    n_normalized: int = 0
    n_out_of_range: int = 0
    n_all_missing: int = 0
    all_missing_rows: list[Any] = Snapshot(default_factory=list)
    na_values: tuple[str, ...] = ()
    na_preset: str | None = None
    out_of_range: str = "error"
    case_insensitive: bool = False
    strict: bool = False
    sheet_name: Any = None

    _conventions = ("source", "encoding", "codebook_source", "na_values", "out_of_range")
    _title = "ReadReport (数据读取报告)"

    def summary(self) -> pd.DataFrame:
        """Per item: type, how it was read, n valid, n missing by reason and the conversions."""
        table = self._items.copy()
        if len(self._missing):
            wide = self._missing.pivot_table(
                index="item", columns="reason", values="n", aggfunc="sum", sort=False
            )
            wide = wide.reindex(table.index).fillna(0).astype("int64")
            wide.columns = [f"missing: {c}" for c in wide.columns]
            at = list(table.columns).index("n_missing") + 1
            table = pd.concat([table.iloc[:, :at], wide, table.iloc[:, at:]], axis=1)
        table.index.name = "item"
        return table

    def text(self, lang: str = "en") -> str:
        """The report as a few sentences in ``lang`` ("en" or "zh")."""
        check_choice("lang", lang, ("en", "zh"))
        zh = lang == "zh"
        n_missing = int(self._items["n_missing"].sum()) if len(self._items) else 0
        lines = []
        if zh:
            lines.append(
                f"读取 {self.source}（{self.format}"
                + (f"，编码 {self.encoding}" if self.encoding else "")
                + f"）：{self.n_rows} 名受访者 × {self.n_columns} 个题项，缺失单元格 {n_missing} 个。"
            )
            if self.codebook_source == "none":
                lines.append("未使用编码本：各列按原样读取（文本保持文本，数值列为数值）。")
            else:
                source = {
                    "given": "用户提供",
                    ".sav metadata": ".sav 文件元数据",
                    "given + .sav metadata": "用户提供 + .sav 文件元数据",
                }.get(self.codebook_source, self.codebook_source)
                lines.append(f"编码本来源：{source}。")
            if self.not_in_codebook:
                lines.append(f"不在编码本中、按原样读取的列：{', '.join(self.not_in_codebook)}。")
            if self.n_normalized:
                lines.append(f"{self.n_normalized} 个单元格经过 NFKC 规范化与去除首尾空白。")
            if len(self._conversions):
                mapped = int(self._items["n_mapped"].sum())
                lines.append(f"{mapped} 个标签已按编码本转换为代码。")
            if self.n_out_of_range:
                lines.append(
                    f"{self.n_out_of_range} 个超出范围的值按缺失处理（原因 out of range）。"
                )
            if len(self._na_like):
                cols = ", ".join(dict.fromkeys(map(str, self._na_like["item"])))
                lines.append(f"以下列含有类似缺失的记号（如 None、NA），已作为有效值保留：{cols}。")
            if self.n_all_missing:
                lines.append(f"{self.n_all_missing} 名受访者全部题项缺失（保留在数据中）。")
        else:
            lines.append(
                f"Read {self.source} ({self.format}"
                + (f", encoding {self.encoding}" if self.encoding else "")
                + f"): {self.n_rows} respondents x {self.n_columns} items, "
                f"{n_missing} missing cells."
            )
            if self.codebook_source == "none":
                lines.append(
                    "No codebook was applied: columns are read as given (text stays text, "
                    "numeric columns are numeric)."
                )
            else:
                lines.append(f"Codebook: {self.codebook_source}.")
            if self.not_in_codebook:
                lines.append(f"Not in codebook, read as given: {', '.join(self.not_in_codebook)}.")
            if self.n_normalized:
                lines.append(
                    f"{self.n_normalized} cells were normalized (Unicode NFKC, whitespace strip)."
                )
            if len(self._conversions):
                mapped = int(self._items["n_mapped"].sum())
                lines.append(f"{mapped} labels were mapped to codes through the codebook.")
            if self.n_out_of_range:
                lines.append(
                    f"{self.n_out_of_range} out-of-range values were read as missing "
                    f"(reason 'out of range')."
                )
            if len(self._na_like):
                cols = ", ".join(dict.fromkeys(map(str, self._na_like["item"])))
                lines.append(
                    f"Columns holding NA-like tokens (None, NA, ...) kept as values: {cols}."
                )
            if self.n_all_missing:
                lines.append(
                    f"{self.n_all_missing} respondents have every item missing (rows kept)."
                )
        return "\n".join(lines)


@dataclass(frozen=True, repr=False, eq=False)
class SurveyData(ResultMixin):
    """Questionnaire data read safely, with its codebook and missing reasons (survey.md §2).

    Attributes
    ----------
    data : DataFrame
        One row per respondent (index: the ``id`` column when given). Items with a codebook
        type other than ``text`` hold float64 codes; ``text`` items hold text. Columns without
        a codebook entry are read as given (numeric columns float64, text stays text).
    missing_reasons : DataFrame
        Same index and columns as ``data``, object dtype: the reason of each missing cell
        (see the module docstring), ``None`` where a value is present.
    codebook : Codebook or None
        The codebook applied (for ``.sav`` files, built from the file's metadata).
    report : ReadReport
        Rows, columns, per item n valid and n missing by reason, NA-like tokens kept, encoding,
        normalized cells and conversions; ``summary()`` is the report's summary.

    Every survey function of cvlib accepts a ``SurveyData`` in place of a DataFrame. The result
    does not change after construction: every read of ``data`` returns a new copy.
    """

    data: pd.DataFrame = Snapshot()
    missing_reasons: pd.DataFrame = Snapshot()
    codebook: Codebook | None = None
    report: ReadReport | None = None

    _conventions = ("source", "shape", "codebook_source")
    _title = "SurveyData (问卷数据)"

    @property
    def source(self) -> str:
        return self.report.source if self.report is not None else ""

    @property
    def shape(self) -> tuple[int, int]:
        return self._data.shape

    @property
    def codebook_source(self) -> str:
        return self.report.codebook_source if self.report is not None else "none"

    def summary(self) -> pd.DataFrame:
        """The read report's per-item table (:meth:`ReadReport.summary`)."""
        return self.report.summary() if self.report is not None else pd.DataFrame()


# ---- public entry points ---------------------------------------------------------------------


def read_survey(
    path: str | Path | io.IOBase,
    codebook: Codebook
    | Mapping[str, Any]
    | Sequence[Any]
    | pd.DataFrame
    | str
    | Path
    | None = None,
    *,
    na_values: Iterable[Any] | Mapping[str, Iterable[Any]] | None = None,
    na_preset: str | None = None,
    encoding: str = "utf-8-sig",
    sheet_name: str | int = 0,
    id: str | None = None,
    out_of_range: str = "error",
    case_insensitive: bool = False,
    strict: bool = False,
    header: int | Sequence[int] | None = 0,
    skiprows: int | Sequence[int] | None = None,
    sep: str | None = None,
    format: str | None = None,
) -> SurveyData:
    """Read questionnaire data from CSV, Excel or SPSS ``.sav`` without losing answers (§2).

    Every cell is read as text (CSV: ``dtype=str``, no NA list; Excel: ``dtype=object``, no NA
    list; ``.sav``: ``user_missing=True, apply_value_formats=False``), then each column is
    converted by the codebook:

    1. text cells are normalized: Unicode NFKC (full-width "７" -> "7", full-width spaces) and
       stripped; the report counts the changed cells (``text`` items are only stripped);
    2. missing: blank cells, ``na_values`` / ``na_preset`` tokens, the codebook's
       ``missing_codes`` and ``missing_ranges``, SPSS system/user missing. Nothing else: "None",
       "NA", "N/A", "null", "NaN", "Neutral", "无", "不适用", "-", "." stay values;
    3. labels ("很满意") become codes through the codebook labels (exact match after step 1;
       ``case_insensitive=True`` to ignore case); numeric text becomes a number;
    4. validation: likert/ordinal/nps codes are integers in [scale_min, scale_max]; binary,
       nominal and rank codes are label codes (or in the scale); multi codes are 0/1 and a
       question's row sum is at most ``max_select``; a rank question names no option twice in a
       row; numeric items hold numbers (within scale_min/scale_max when given).

    Parameters
    ----------
    path : str, Path or file-like
        ``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xlsm``/``.xls`` or ``.sav``/``.zsav``; a buffer
        is read as CSV unless ``format`` says otherwise.
    codebook : Codebook, dict, list of rows, DataFrame or path, optional
        What each column means (§1.1). Without one, columns are read as given (§2.6). For a
        ``.sav`` file the codebook comes from its metadata (:meth:`Codebook.from_sav`); items of
        a codebook given here replace those entries, and the file's missing values still apply.
    na_values : list, or dict column -> list, optional
        Tokens or codes declared missing (matched after normalization; numbers by value).
    na_preset : {"r_csv", "stata_csv"}, optional
        Declared tokens of an exporting program: ``"r_csv"`` declares "NA" (R ``write.csv``),
        ``"stata_csv"`` declares ".". Added to ``na_values``. Never inferred.
    encoding : str
        CSV encoding; the default ``"utf-8-sig"`` handles Excel's BOM. ``"auto"`` tries
        ``utf-8-sig`` and then ``gb18030`` (Chinese Excel exports) and reports which worked.
    sheet_name : str or int
        Excel sheet (one sheet).
    id : str, optional
        Respondent id column: ids must be present and unique (duplicates raise an error listing
        ids and rows); it becomes the index of ``data``. Ids stay text unless they are all
        whole numbers without leading zeros ("001" stays "001").
    out_of_range : {"error", "missing"}
        What to do with values that are not valid codes and not declared missing: raise a
        ``ValueError`` listing (row, column, value) (default), or read them as missing with
        reason "out of range", counted in the report. Unknown labels always raise.
    case_insensitive : bool
        Match labels ignoring case.
    strict : bool
        Raise when the data have columns the codebook does not describe (default: read them as
        given, list them in the report and a :class:`ReadNote`).
    header, skiprows : optional
        Header row (0-based) and rows to skip, for sheets with title rows or merged header
        cells. Headers without a name ("Unnamed: 3") raise an error that says so. A list of
        rows (``header=[0, 1]``) reads a header spread over several rows, as a sheet with
        merged cells has it (a group title merged across its items above the item names, an
        ``id`` cell merged down both rows): each column is named by its lowest non-blank
        header cell.
    sep : str, optional
        CSV delimiter (default "," and tab for ``.tsv``).
    format : {"csv", "excel", "sav"}, optional
        The file type when the suffix does not tell.

    Returns
    -------
    SurveyData
        ``data``, ``codebook``, ``missing_reasons`` and ``report``. Error messages name rows by
        their index label: the id when ``id`` is given, else the 0-based data row (row 0 is the
        first row below the header).

    Raises
    ------
    ValueError (CvlibInputError)
        Unknown labels (each distinct label with its count), invalid values (at most 20
        (row, column, value) entries listed), text in numeric items, codebook items absent from
        the data, duplicate or blank ids, unnamed header cells, multi-select row sums above
        ``max_select``, options ranked twice.
    ImportError
        A ``.sav`` file without pyreadstat (``pip install 'cvlib-crm[spss]'``).

    Examples
    --------
    >>> import io
    >>> csv = io.StringIO("id,q1,exercise\\n1,很满意,None\\n2,满意 ,NA\\n3,-99,\\n")
    >>> cb = {"q1": {"scale": "sat7_zh", "missing_codes": {-99: "refused"}},
    ...       "exercise": {"type": "text"}}
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ReadNote)
    ...     survey = read_survey(csv, cb, id="id")
    >>> survey.data
       q1 exercise
    id
    1   7.0     None
    2   6.0       NA
    3   NaN      NaN
    >>> survey.missing_reasons
          q1 exercise
    id
    1   None     None
    2   None     None
    3   refused    blank

    References
    ----------
    pandas ``read_csv`` documentation (``keep_default_na``, ``na_values``); pyreadstat
    ``read_sav`` documentation (``user_missing``); IBM SPSS Statistics, MISSING VALUES.
    """
    check_choice("out_of_range", out_of_range, ("error", "missing"))
    kind = _file_format(path, format)
    source = _source_name(path)
    if kind == "sav":
        raw, meta = _read_sav(path, encoding)
        file_book = Codebook(_sav_records(meta), allow_inrange_missing=True)
        given = _as_codebook(codebook)
        if given is None:
            book, book_source = file_book, ".sav metadata"
        else:
            book, book_source = (
                _merge_sav(given, file_book, list(raw.columns)),
                ("given + .sav metadata"),
            )
        return _convert(
            raw,
            book,
            codebook_source=book_source,
            source=source,
            fmt="sav",
            encoding=None,
            sheet_name=None,
            nan_reason=_SYSMIS,
            na_values=na_values,
            na_preset=na_preset,
            id=id,
            out_of_range=out_of_range,
            case_insensitive=case_insensitive,
            strict=strict,
            header_checks=False,
        )
    if kind == "csv":
        raw, used = _read_csv(path, encoding, header, skiprows, sep)
        sheet = None
    else:
        raw = _read_excel(path, sheet_name, header, skiprows)
        used, sheet = None, sheet_name
    book = _as_codebook(codebook)
    return _convert(
        raw,
        book,
        codebook_source="none" if book is None else "given",
        source=source,
        fmt=kind,
        encoding=used,
        sheet_name=sheet,
        nan_reason=_BLANK,
        na_values=na_values,
        na_preset=na_preset,
        id=id,
        out_of_range=out_of_range,
        case_insensitive=case_insensitive,
        strict=strict,
        header_checks=True,
    )


def apply_codebook(
    data: pd.DataFrame,
    codebook: Codebook
    | Mapping[str, Any]
    | Sequence[Any]
    | pd.DataFrame
    | str
    | Path
    | None = None,
    *,
    na_values: Iterable[Any] | Mapping[str, Iterable[Any]] | None = None,
    na_preset: str | None = None,
    id: str | None = None,
    out_of_range: str = "error",
    case_insensitive: bool = False,
    strict: bool = False,
) -> SurveyData:
    """Apply a codebook to a DataFrame already in memory, with the rules of :func:`read_survey`.

    The same normalization, missing-value rule, label -> code mapping and validation as
    :func:`read_survey` (survey.md §2); ``data`` is not changed. NaN/None cells get the reason
    "system missing", empty or whitespace-only strings "blank". A frame read earlier with
    pandas' default NA list may already have lost answers such as "None"; read the file with
    :func:`read_survey` instead.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; its index is kept unless ``id`` is given.
    codebook, na_values, na_preset, id, out_of_range, case_insensitive, strict
        As in :func:`read_survey`.

    Returns
    -------
    SurveyData

    Examples
    --------
    >>> df = pd.DataFrame({"q1": ["很满意", "满意", "７", " "], "q2": [1, 0, 1, None]})
    >>> cb = {"q1": {"scale": "sat7_zh"}, "q2": {"scale": "yes_no"}}
    >>> s = apply_codebook(df, cb)
    >>> s.data
        q1   q2
    0  7.0  1.0
    1  6.0  0.0
    2  7.0  1.0
    3  NaN  NaN
    >>> s.missing_reasons.loc[3].tolist(), s.report.n_normalized
    (['blank', 'system missing'], 2)
    """
    check_choice("out_of_range", out_of_range, ("error", "missing"))
    frame, _, _ = unwrap(data)
    book = _as_codebook(codebook)
    return _convert(
        frame,
        book,
        codebook_source="none" if book is None else "given",
        source="DataFrame",
        fmt="DataFrame",
        encoding=None,
        sheet_name=None,
        nan_reason=_SYSMIS,
        na_values=na_values,
        na_preset=na_preset,
        id=id,
        out_of_range=out_of_range,
        case_insensitive=case_insensitive,
        strict=strict,
        header_checks=False,
    )


def check_multi(
    data: Any, items: Sequence[Any], *, max_select: int | None = None, question: str | None = None
) -> None:
    """Validate a multi-select question stored as one 0/1 column per option (survey.md §1.3).

    Every value must be 0, 1 or missing, and with ``max_select=k`` (最多可选k项) the row sum of
    the option columns must be at most k. Raises ``ValueError`` listing the offending
    (row, column, value) entries or rows with their sums (at most 20), else returns None.

    Parameters
    ----------
    data : DataFrame or SurveyData
    items : list of str
        The option columns (``Q17_A``, ``Q17_B``, ...).
    max_select : int, optional
        The most options a respondent may choose.
    question : str, optional
        Name used in messages (default: the first column's stem).

    References
    ----------
    source document 004, Art. 4, Q11 "(多选)" and Q17 "最多可选3项"; survey.md §1.3.

    Examples
    --------
    >>> df = pd.DataFrame({"Q17_A": [1, 1], "Q17_B": [0, 1], "Q17_C": [1, 1]})
    >>> check_multi(df, ["Q17_A", "Q17_B", "Q17_C"], max_select=3)
    >>> check_multi(df, ["Q17_A", "Q17_B", "Q17_C"], max_select=2)
    Traceback (most recent call last):
    ...
    cvlib._validation.CvlibInputError: multi-select question 'Q17' allows at most 2 options ...
    """
    frame, _, _ = unwrap(data)
    items = list(items)
    _check_columns(frame, items)
    name = question or _stem(items[0])
    values = _numeric_block(frame, items, f"multi-select question {name!r}")
    bad = ~np.isnan(values) & (values != 0) & (values != 1)
    if bad.any():
        rows, cols = np.nonzero(bad)
        listed = [
            f"row {frame.index[r]!r}, column {items[c]!r}: {values[r, c]:g}"
            for r, c in zip(rows[:_MAX_LISTED], cols[:_MAX_LISTED], strict=True)
        ]
        more = f"\n  ... and {len(rows) - _MAX_LISTED} more" if len(rows) > _MAX_LISTED else ""
        raise CvlibInputError(
            f"multi-select question {name!r} holds {len(rows)} value(s) other than 0, 1 or "
            f"missing (one 0/1 column per option):\n  " + "\n  ".join(listed) + more + "\nCode "
            "chosen options 1 and the others 0, or declare the codes as missing codes."
        )
    if max_select is not None:
        if isinstance(max_select, bool) or not float(max_select).is_integer() or max_select < 1:
            raise CvlibInputError(f"max_select={max_select!r} must be a whole number >= 1")
        sums = np.nansum(values, axis=1)
        over = np.flatnonzero(sums > max_select)
        if len(over):
            listed = [f"row {frame.index[r]!r}: {sums[r]:g} chosen" for r in over[:_MAX_LISTED]]
            more = f"\n  ... and {len(over) - _MAX_LISTED} more" if len(over) > _MAX_LISTED else ""
            raise CvlibInputError(
                f"multi-select question {name!r} allows at most {max_select} options "
                f"(最多可选{max_select}项), but {len(over)} row(s) choose more:\n  "
                + "\n  ".join(listed)
                + more
                + "\nCorrect these answers or set them to missing; the codebook's max_select "
                "sets the limit."
            )


def check_rank(data: Any, items: Sequence[Any], *, question: str | None = None) -> None:
    """Validate a rank question stored as one column per rank position (survey.md §1.3).

    The columns (``Q7_r1``, ``Q7_r2``, ``Q7_r3``) hold option codes; no option may appear twice
    in a row (missing positions are ignored). Raises ``ValueError`` listing the rows (at most
    20) with the option and the positions, else returns None.

    Parameters
    ----------
    data : DataFrame or SurveyData
    items : list of str
        The rank-position columns, first rank first.
    question : str, optional
        Name used in messages (default: the first column's stem).

    References
    ----------
    source document 004, Art. 4, Q7/Q8/Q16 "排名 1 2 3"; survey.md §1.3.

    Examples
    --------
    >>> df = pd.DataFrame({"Q7_r1": [2, 1], "Q7_r2": [3, 4], "Q7_r3": [2, None]})
    >>> check_rank(df, ["Q7_r1", "Q7_r2", "Q7_r3"])
    Traceback (most recent call last):
    ...
    cvlib._validation.CvlibInputError: rank question 'Q7' names the same option twice ...
    """
    frame, _, _ = unwrap(data)
    items = list(items)
    _check_columns(frame, items)
    name = question or _stem(items[0])
    block = frame[items]
    present = block.notna().to_numpy()
    hits: dict[int, list[str]] = {}
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            same = (block.iloc[:, i] == block.iloc[:, j]).to_numpy(dtype=bool, na_value=False)
            same = same & present[:, i] & present[:, j]
            for r in np.flatnonzero(same):
                value = block.iloc[r, i]
                shown = f"{value:g}" if isinstance(value, numbers.Real) else repr(value)
                hits.setdefault(int(r), []).append(
                    f"option {shown} at {items[i]!r} and {items[j]!r}"
                )
    if hits:
        rows = sorted(hits)
        listed = [f"row {frame.index[r]!r}: {', '.join(hits[r])}" for r in rows[:_MAX_LISTED]]
        more = f"\n  ... and {len(rows) - _MAX_LISTED} more" if len(rows) > _MAX_LISTED else ""
        raise CvlibInputError(
            f"rank question {name!r} names the same option twice in {len(rows)} row(s):\n  "
            + "\n  ".join(listed)
            + more
            + "\nEach option may take one rank position; correct these answers."
        )


# ---- reading files ---------------------------------------------------------------------------


def _source_name(path: Any) -> str:
    if isinstance(path, str | Path):
        return Path(path).name
    return getattr(path, "name", None) or type(path).__name__


def _file_format(path: Any, fmt: str | None) -> str:
    if fmt is not None:
        fmt = {"xlsx": "excel", "xls": "excel", "spss": "sav"}.get(fmt, fmt)
        check_choice("format", fmt, ("csv", "excel", "sav"))
        return fmt
    if not isinstance(path, str | Path):
        if hasattr(path, "read"):
            return "csv"
        raise TypeError(
            f"path must be a file name or a file-like object, got {type(path).__name__}; "
            f"for a DataFrame in memory use cvlib.survey.apply_codebook."
        )
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"survey file {str(p)!r} does not exist")
    suffix = p.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return "excel"
    if suffix in (".sav", ".zsav"):
        return "sav"
    raise CvlibInputError(
        f"survey file {str(p)!r}: cannot tell the type from the suffix {suffix!r}; use .csv, "
        f".xlsx or .sav, or pass format='csv' | 'excel' | 'sav'."
    )


def _read_csv(
    path: Any, encoding: str, header: Any, skiprows: Any, sep: str | None
) -> tuple[pd.DataFrame, str | None]:
    if sep is None:
        sep = "\t" if isinstance(path, str | Path) and str(path).lower().endswith(".tsv") else ","
    tries = ["utf-8-sig", "gb18030"] if encoding == "auto" else [encoding]
    if isinstance(path, io.TextIOBase):
        tries = [None]  # already decoded
    start = path.tell() if hasattr(path, "tell") and hasattr(path, "seek") else None
    last: Exception | None = None
    for enc in tries:
        if start is not None:
            path.seek(start)
        try:
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding=enc,
                header=None if _is_multi(header) else header,
                skiprows=skiprows,
                sep=sep,
            )
        except UnicodeDecodeError as err:
            last = err
            continue
        return _multi_header(frame, header), enc
    hint = (
        "the file is neither UTF-8 nor GB18030; pass its encoding, e.g. encoding='big5'"
        if encoding == "auto"
        else "pass encoding='auto' (tries utf-8-sig, then gb18030 for Chinese Excel exports) "
        "or the file's encoding"
    )
    raise CvlibInputError(
        f"cannot decode {_source_name(path)!r} as {encoding!r} ({last}); {hint}."
    ) from None


def _read_excel(path: Any, sheet_name: Any, header: Any, skiprows: Any) -> pd.DataFrame:
    if sheet_name is None or isinstance(sheet_name, list | tuple):
        raise CvlibInputError(
            f"sheet_name={sheet_name!r}: read one sheet at a time (a name or a 0-based number)"
        )
    try:
        frame = pd.read_excel(
            path,
            sheet_name=sheet_name,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            header=None if _is_multi(header) else header,
            skiprows=skiprows,
        )
    except ImportError as err:  # pragma: no cover - openpyxl is installed with the excel extra
        raise ImportError(
            f"reading Excel files needs openpyxl, the optional 'excel' extra of cvlib: "
            f"pip install 'cvlib-crm[excel]' ({err})"
        ) from None
    return _multi_header(frame, header)


def _is_multi(header: Any) -> bool:
    return isinstance(header, list | tuple)


def _multi_header(frame: pd.DataFrame, header: Any) -> pd.DataFrame:
    """Name the columns of a sheet read without a header from the header rows ``header`` (a
    list): each column takes its lowest non-blank header cell (merged cells keep their text in
    the first row or column only); data start below the last header row."""
    if not _is_multi(header):
        return frame
    rows = list(header)
    if not rows or any(isinstance(r, bool) or not isinstance(r, int) or r < 0 for r in rows):
        raise CvlibInputError(
            f"header={header!r}: give the 0-based header row, or a list of them, e.g. [0, 1]"
        )
    if max(rows) >= len(frame):
        raise CvlibInputError(
            f"header={header!r}: the sheet has only {len(frame)} row(s) (after skiprows)"
        )
    names = []
    for j in range(frame.shape[1]):
        name = None
        for r in sorted(rows, reverse=True):
            cell = frame.iat[r, j]
            text = "" if cell is None else str(cell).strip()
            if text and text.lower() != "nan":
                name = unicodedata.normalize("NFKC", text)
                break
        names.append(name if name is not None else f"Unnamed: {j}")
    out = frame.iloc[max(rows) + 1 :].reset_index(drop=True)
    out.columns = names
    return out


def _read_sav(path: Any, encoding: str) -> tuple[pd.DataFrame, Any]:
    pyreadstat = _pyreadstat()
    kwargs: dict[str, Any] = {"user_missing": True, "apply_value_formats": False}
    if encoding not in ("auto", "utf-8-sig"):
        kwargs["encoding"] = encoding
    return pyreadstat.read_sav(str(path), **kwargs)


def _as_codebook(codebook: Any) -> Codebook | None:
    if codebook is None or isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, str | Path):
        return Codebook.read(codebook)
    return Codebook(codebook)


def _merge_sav(given: Codebook, file_book: Codebook, columns: list[Any]) -> Codebook:
    """The file's codebook with the given items replacing its entries; the file's user-missing
    declarations (rule 3) are added to a given item that does not already declare them."""
    specs = []
    for name in columns:
        if name not in given:
            specs.append(file_book[name])
            continue
        spec = given[name]
        if name in file_book:
            theirs = file_book[name]
            codes = dict(theirs.missing_codes)
            codes.update(spec.missing_codes)
            ranges = tuple(spec.missing_ranges) + tuple(
                r for r in theirs.missing_ranges if r not in spec.missing_ranges
            )
            lo, hi = spec.scale_min, spec.scale_max
            if lo is not None and hi is not None and not given.allow_inrange_missing:
                inside = [
                    c
                    for c in theirs.missing_codes
                    if not isinstance(c, str) and lo <= c <= hi and c not in spec.missing_codes
                ] + [f"{a:g}..{b:g}" for a, b, _ in theirs.missing_ranges if a <= hi and b >= lo]
                if inside:
                    raise CvlibInputError(
                        f"the .sav file declares user-missing value(s) {inside} for {name!r}, "
                        f"inside the codebook's scale [{lo:g}, {hi:g}]; fix the codebook's scale "
                        f"ends or build it with allow_inrange_missing=True if intended."
                    )
            spec = replace(
                spec,
                missing_codes=codes,
                missing_ranges=ranges,
                wording=spec.wording or theirs.wording,
            )
        specs.append(spec)
    extra = [name for name in given if name not in columns]
    specs.extend(given[name] for name in extra)  # reported as absent by _convert
    return Codebook(specs)


# ---- the conversion --------------------------------------------------------------------------


@dataclass
class _Problems:
    unknown: list[str] = field(default_factory=list)
    text_in_numeric: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    n_invalid: int = 0


@dataclass
class _Column:
    """One converted column: per distinct value (``values``, ``reasons``, the last entry for
    NaN) and the cells' value numbers ``codes`` (-1 = NaN), or per cell when ``codes`` is None."""

    values: np.ndarray
    reasons: np.ndarray
    read_as: str
    codes: np.ndarray | None = None
    n_normalized: int = 0
    n_mapped: int = 0
    n_out_of_range: int = 0
    na_like: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)  # reason -> cells
    conversions: list[dict[str, Any]] = field(default_factory=list)


def _stem(name: Any) -> str:
    text = str(name)
    return text.rsplit("_", 1)[0] if "_" in text else text


def _check_columns(frame: pd.DataFrame, items: list[Any]) -> None:
    if not items:
        raise CvlibInputError("items is empty; give the option columns of the question")
    absent = [c for c in items if c not in frame.columns]
    if absent:
        raise KeyError(
            f"column(s) {', '.join(map(repr, absent))} not found; available columns: "
            f"{', '.join(map(repr, frame.columns))}."
        )


def _numeric_block(frame: pd.DataFrame, items: list[Any], what: str) -> np.ndarray:
    out = np.empty((len(frame), len(items)), dtype="float64")
    for k, col in enumerate(items):
        s = frame[col]
        converted = pd.to_numeric(s, errors="coerce")
        bad = converted.isna() & s.notna()
        if bad.any():
            row = bad.idxmax()
            raise TypeError(
                f"{what}: column {col!r} is not numeric, row {row!r} holds {s.loc[row]!r}; map "
                f"labels to codes with a codebook (cvlib.survey.read_survey)."
            )
        out[:, k] = converted.to_numpy(dtype="float64", na_value=np.nan)
    return out


def _number(text: str) -> float | None:
    text = text.replace("\u2212", "-")
    if _NUMBER.fullmatch(text):
        return float(text)
    return None


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return repr(value)


def _code_text(code: float) -> str:
    return f"{code:g}" if math.isfinite(code) else repr(code)


def _declared(
    na_values: Any, na_preset: str | None, columns: list[Any]
) -> tuple[dict[Any, tuple[dict[str, str], dict[float, str]]], tuple[str, ...]]:
    """Per column: (normalized token -> reason, number -> reason) of the declared values."""
    tokens_all: list[Any] = []
    per_column: dict[Any, list[Any]] = {}
    if na_preset is not None:
        check_choice("na_preset", na_preset, NA_PRESETS)
        tokens_all.extend(NA_PRESETS[na_preset])
    if na_values is not None:
        if isinstance(na_values, str | int | float):
            na_values = [na_values]
        if isinstance(na_values, Mapping):
            unknown = [c for c in na_values if c not in columns]
            if unknown:
                raise CvlibInputError(
                    f"na_values names column(s) {', '.join(map(repr, unknown))} that are not in "
                    f"the data; columns: {', '.join(map(repr, columns))}."
                )
            for col, vals in na_values.items():
                per_column[col] = [vals] if isinstance(vals, str | int | float) else list(vals)
        else:
            tokens_all.extend(na_values)

    def parse(values: list[Any]) -> tuple[dict[str, str], dict[float, str]]:
        strings: dict[str, str] = {}
        nums: dict[float, str] = {}
        for v in values:
            if isinstance(v, str):
                token = unicodedata.normalize("NFKC", v).strip()
                if not token:
                    continue  # blanks are missing anyway
                strings[token] = f"na_values: {token}"
                number = _number(token)
                if number is not None:
                    nums.setdefault(number, f"na_values: {token}")
            elif isinstance(v, numbers.Real) and not isinstance(v, bool):
                number = float(v)
                if math.isnan(number):
                    continue
                nums[number] = f"na_values: {_code_text(number)}"
                strings.setdefault(_code_text(number), f"na_values: {_code_text(number)}")
            else:
                raise CvlibInputError(f"na_values entry {v!r} must be a string or a number")
        return strings, nums

    out = {col: parse(tokens_all + per_column.get(col, [])) for col in columns}
    shown = tuple(dict.fromkeys(str(t) for t in tokens_all))
    for vals in per_column.values():
        shown += tuple(str(t) for t in vals if str(t) not in shown)
    return out, shown


def _label_map(spec: ItemSpec, case_insensitive: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for source in (spec.labels, spec.labels_en):
        for code, label in source.items():
            key = unicodedata.normalize("NFKC", str(label)).strip()
            if case_insensitive:
                key = key.casefold()
            if key in out and out[key] != code:
                raise CvlibInputError(
                    f"codebook item {spec.item!r}: label {label!r} is used for codes "
                    f"{out[key]!r} and {code!r}"
                    + (" (ignoring case)" if case_insensitive else "")
                    + "; each label must name one code."
                )
            out[key] = code
    return out


def _label_codes(spec: ItemSpec) -> set[float]:
    return {
        float(c)
        for c in list(spec.labels) + list(spec.labels_en)
        if not isinstance(c, str) and spec.missing_reason(c) is None
    }


def _why_invalid(spec: ItemSpec, code: float, label_codes: set[float]) -> str | None:
    """None when ``code`` is a valid answer of ``spec``, else a short reason."""
    if not math.isfinite(code):
        return "not a finite number"
    kind, lo, hi = spec.type, spec.scale_min, spec.scale_max
    has_scale = lo is not None and hi is not None
    if kind in _SCALED:
        if not code.is_integer():
            return "not an integer"
        return None if lo <= code <= hi else f"outside [{lo:g}, {hi:g}]"
    if kind == "multi":
        return None if code in (0.0, 1.0) else "not 0/1"
    if kind == "numeric":
        if lo is not None and code < lo:
            return f"below scale_min {lo:g}"
        if hi is not None and code > hi:
            return f"above scale_max {hi:g}"
        return None
    # binary, nominal, rank
    if label_codes:
        return None if code in label_codes else "not a label code"
    if has_scale:
        if not code.is_integer():
            return "not an integer"
        return None if lo <= code <= hi else f"outside [{lo:g}, {hi:g}]"
    if kind == "binary":
        return None if code in (0.0, 1.0) else "not 0/1"
    return None


def _convert_column(
    s: pd.Series,
    spec: ItemSpec | None,
    *,
    declared: tuple[dict[str, str], dict[float, str]],
    nan_reason: str,
    out_of_range: str,
    case_insensitive: bool,
    problems: _Problems,
    row_labels: pd.Index,
) -> _Column:
    """Convert one column, working on its distinct values (pd.factorize) and broadcasting."""
    name = s.name
    dtype = s.dtype
    kind = spec.type if spec is not None else None
    if kind is None and not (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
    ):
        # datetimes, categoricals ... without a codebook: read as given
        isna = s.isna().to_numpy()
        reasons = np.where(isna, nan_reason, None).astype(object)
        n_nan = int(isna.sum())
        return _Column(
            values=s.to_numpy(),
            reasons=reasons,
            read_as="as given",
            missing={nan_reason: n_nan} if n_nan else {},
        )
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    uniq = list(np.asarray(uniques, dtype=object))
    counts = np.bincount(codes[codes >= 0], minlength=len(uniq))
    strings, nums = declared
    label_map = _label_map(spec, case_insensitive) if kind in _CODED else {}
    label_codes = _label_codes(spec) if kind in _CODED else set()
    col = _Column(values=np.empty(0), reasons=np.empty(0), read_as="")
    vals: list[Any] = []
    why: list[str | None] = []
    numeric_ok = True  # no codebook: do all values read as numbers?
    text_kept: list[int] = []  # nominal/binary/rank without labels, or string codes
    as_number: dict[int, float | None] = {}  # no codebook: the value as a number
    str_codes = {c for c in list(spec.labels) + list(spec.labels_en)} if kind in _CODED else set()
    str_codes = {c for c in str_codes if isinstance(c, str)}
    unknown: dict[str, int] = {}
    text_num: dict[str, int] = {}
    invalid: list[tuple[int, str]] = []
    for j, v in enumerate(uniq):
        n = int(counts[j])
        reason: str | None = None
        number: float | None = None
        text: str | None = None
        if isinstance(v, str):
            t = unicodedata.normalize("NFKC", v).strip()
            stored = v.strip() if kind == "text" else t
            if stored != v:
                col.n_normalized += n
            if not t:
                reason = _BLANK
            elif t in strings:
                reason = strings[t]
            else:
                number = _number(t)
                if number is not None and number in nums:
                    reason = nums[number]
                text = stored
                if kind is None and number is not None and _LEADING_ZERO.match(t):
                    numeric_ok = False  # "001" stays text
        elif isinstance(v, bool | np.bool_):
            number = float(v)
        elif isinstance(v, numbers.Real):
            number = float(v)
            if math.isnan(number):
                reason = nan_reason
            elif number in nums:
                reason = nums[number]
        elif v is None or v is pd.NA or v is pd.NaT:
            reason = nan_reason
        if reason is not None:
            vals.append(np.nan)
            why.append(reason)
            continue
        if kind is None or kind == "text":
            if kind == "text":
                reason = (None if text is None else spec.missing_reason(text)) or (
                    None if number is None else spec.missing_reason(number)
                )
                if reason is not None:
                    vals.append(np.nan)
                    why.append(reason)
                    continue
            if text is not None:
                folded = text.casefold()
                if folded in _NA_LIKE_FOLDED:
                    col.na_like[text] = col.na_like.get(text, 0) + n
                if number is None:
                    numeric_ok = False
            elif number is None:
                numeric_ok = False
            if kind == "text" and text is None and number is not None:
                vals.append(_code_text(number) if float(number).is_integer() else str(v))
            else:
                vals.append(text if text is not None else v)
            as_number[j] = number
            why.append(None)
            continue
        # coded items
        code = number
        mapped_from: str | None = None
        if code is None and text is not None:
            if spec.missing_codes.get(text) is not None:
                vals.append(np.nan)
                why.append(spec.missing_codes[text])
                continue
            key = text.casefold() if case_insensitive else text
            target = label_map.get(key, text if text in str_codes else None)
            if isinstance(target, str):  # a string code: kept as text (or declared missing)
                reason = spec.missing_reason(target)
                if reason is None:
                    text_kept.append(j)
                    if target != text:
                        col.n_mapped += n
                        col.conversions.append(
                            {
                                "item": name,
                                "kind": "label -> code",
                                "value": text,
                                "to": target,
                                "n": n,
                            }
                        )
                vals.append(np.nan if reason is not None else target)
                why.append(reason)
                continue
            if target is not None:
                code = float(target)
                mapped_from = text
            elif kind == "numeric":
                text_num[text] = text_num.get(text, 0) + n
            elif kind in ("nominal", "binary", "rank") and not label_codes and not label_map:
                text_kept.append(j)
                vals.append(text)
                why.append(None)
                continue
            else:
                unknown[text] = unknown.get(text, 0) + n
        elif code is None:
            if kind == "numeric":
                text_num[repr(v)] = text_num.get(repr(v), 0) + n
            else:
                unknown[repr(v)] = unknown.get(repr(v), 0) + n
        if code is None:
            vals.append(np.nan)
            why.append(None)
            continue
        reason = spec.missing_reason(code)
        if reason is not None:
            vals.append(np.nan)
            why.append(reason)
            continue
        bad = _why_invalid(spec, code, label_codes)
        if bad is not None:
            if out_of_range == "missing":
                col.n_out_of_range += n
                col.conversions.append(
                    {
                        "item": name,
                        "kind": "out of range -> missing",
                        "value": v,
                        "to": None,
                        "n": n,
                    }
                )
                vals.append(np.nan)
                why.append(_OUT_OF_RANGE)
            else:
                invalid.append((j, bad))
                vals.append(np.nan)
                why.append(None)
            continue
        if mapped_from is not None:
            col.n_mapped += n
            col.conversions.append(
                {"item": name, "kind": "label -> code", "value": mapped_from, "to": code, "n": n}
            )
        vals.append(code)
        why.append(None)

    # problems of this column, with the rows they occur in
    if unknown:
        listed = ", ".join(f"{k!r} x{c}" for k, c in sorted(unknown.items(), key=lambda x: -x[1]))
        known = list(dict.fromkeys(list(spec.labels.values()) + list(spec.labels_en.values())))
        hint = (
            f" (codebook labels: {', '.join(map(repr, known[:15]))}"
            + (", ..." if len(known) > 15 else "")
            + ")"
            if known
            else " (the codebook gives no labels for this item)"
        )
        na_like = [k for k in unknown if k.casefold() in _NA_LIKE_FOLDED]
        if na_like:
            hint += (
                f"; {', '.join(map(repr, na_like))} look(s) like a missing-value token: if it "
                f"means missing, declare it (na_values={na_like!r}, or na_preset='r_csv' for R "
                f"exports)"
            )
        problems.unknown.append(f"item {name!r}: {listed}{hint}")
    if text_num:
        listed = ", ".join(f"{k!r} x{c}" for k, c in text_num.items())
        problems.text_in_numeric.append(f"item {name!r}: {listed}")
    if invalid:
        index = {j: why_ for j, why_ in invalid}
        rows = np.flatnonzero(np.isin(codes, list(index)))
        problems.n_invalid += len(rows)
        for r in rows[: max(0, _MAX_LISTED - len(problems.invalid))]:
            j = int(codes[r])
            problems.invalid.append(
                f"row {row_labels[r]!r}, column {name!r}: {_shown(uniq[j])} ({index[j]})"
            )

    # broadcast the per-value results to the cells; code -1 (NaN) picks the appended entry
    why.append(nan_reason)
    n_nan = len(codes) - int(counts.sum())
    for j, reason in enumerate(why):
        n = n_nan if j == len(why) - 1 else int(counts[j])
        if reason is not None and n:
            col.missing[reason] = col.missing.get(reason, 0) + n
    if kind is None:
        if numeric_ok:
            col.read_as = "numeric"
            out = np.asarray(
                [np.nan if as_number.get(j) is None else as_number[j] for j in range(len(vals))]
                + [np.nan],
                dtype="float64",
            )
        else:
            col.read_as = "text"
            out = np.asarray(vals + [np.nan], dtype=object)
    elif kind == "text":
        col.read_as = "text"
        out = np.asarray(vals + [np.nan], dtype=object)
    elif text_kept:
        col.read_as = "text"
        out = np.asarray(
            [x if isinstance(x, str) or _isnan(x) else _code_text(x) for x in vals] + [np.nan],
            dtype=object,
        )
    else:
        col.read_as = "codes"
        out = np.asarray(vals + [np.nan], dtype="float64")
    col.codes = codes
    col.values = out
    col.reasons = np.asarray(why, dtype=object)
    return col


def _isnan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _check_header(raw: pd.DataFrame, id: str | None) -> None:
    names = [c for c in raw.columns if isinstance(c, str) and _UNNAMED.fullmatch(c) and c != id]
    if not names:
        return
    share = len(names) / max(len(raw.columns), 1)
    listed = ", ".join(map(repr, names[:10])) + (", ..." if len(names) > 10 else "")
    if names == [raw.columns[0]] and len(raw.columns) > 1:
        raise CvlibInputError(
            f"the first column has no name ({names[0]!r}); if it is a row number written by "
            f"pandas (to_csv without index=False) or the respondent id, pass id={names[0]!r}; "
            f"if the sheet has title or merged header rows, pass header=/skiprows=."
        )
    if share >= 0.5:
        raise CvlibInputError(
            f"the header row looks like a title or merged header cells: {len(names)} of "
            f"{len(raw.columns)} columns have no name ({listed}). Pass header=<0-based row that "
            f"holds the item names> (e.g. header=1) or skiprows=<number of title rows>; when the "
            f"names are spread over two rows of merged cells, pass header=[0, 1]."
        )
    raise CvlibInputError(
        f"column(s) {listed} have no name in the header row; if the header spans several rows "
        f"or merged cells, pass header=<row of the item names>, header=[0, 1] (names spread "
        f"over two rows) or skiprows=; otherwise name these columns in the file."
    )


def _ids(raw: pd.DataFrame, id: str) -> pd.Index:
    if id not in raw.columns:
        raise KeyError(
            f"id column {id!r} not found; available columns: {', '.join(map(repr, raw.columns))}."
        )
    s = raw[id]
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values = s
        blank = s.isna()
        if not blank.any() and pd.api.types.is_float_dtype(s.dtype):
            if np.all(np.mod(s.to_numpy(dtype="float64"), 1) == 0):
                values = s.astype("int64")
    else:
        if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
            text = s.str.normalize("NFKC").str.strip()
        else:
            text = s.map(
                lambda v: unicodedata.normalize("NFKC", v).strip() if isinstance(v, str) else v,
                na_action="ignore",
            )
        blank = text.isna() | (text == "")
        values = text
        if not blank.any():
            as_text = values.astype(str)
            if as_text.str.fullmatch(r"[1-9]\d{0,17}|0").all():
                values = as_text.astype("int64")
    if blank.any():
        rows = np.flatnonzero(blank.to_numpy())
        raise CvlibInputError(
            f"id column {id!r} is empty in {len(rows)} row(s) (0-based data rows "
            f"{', '.join(map(str, rows[:_MAX_LISTED]))}); every respondent needs an id."
        )
    dup = values.duplicated(keep=False).to_numpy()
    if dup.any():
        groups: dict[Any, list[int]] = {}
        for r in np.flatnonzero(dup):
            groups.setdefault(values.iloc[r], []).append(int(r))
        listed = [
            f"{k!r} in rows {', '.join(map(str, v))}" for k, v in list(groups.items())[:_MAX_LISTED]
        ]
        more = f"\n  ... and {len(groups) - _MAX_LISTED} more" if len(groups) > _MAX_LISTED else ""
        raise CvlibInputError(
            f"id column {id!r} has {len(groups)} duplicate id(s) (0-based data rows):\n  "
            + "\n  ".join(listed)
            + more
            + "\nEach respondent must appear once; remove the duplicate rows or fix the ids."
        )
    return pd.Index(values.to_numpy(), name=id)


def _convert(
    raw: pd.DataFrame,
    book: Codebook | None,
    *,
    codebook_source: str,
    source: str,
    fmt: str,
    encoding: str | None,
    sheet_name: Any,
    nan_reason: str,
    na_values: Any,
    na_preset: str | None,
    id: str | None,
    out_of_range: str,
    case_insensitive: bool,
    strict: bool,
    header_checks: bool,
) -> SurveyData:
    if raw.columns.duplicated().any():
        dup = raw.columns[raw.columns.duplicated()].unique().tolist()
        raise CvlibInputError(
            f"the data have duplicate column names {dup}; rename them so each item is one column"
        )
    if header_checks:
        _check_header(raw, id)
    index = _ids(raw, id) if id is not None else raw.index
    columns = [c for c in raw.columns if c != id]
    if book is not None:
        absent = [c for c in book if c not in raw.columns]
        if absent:
            hint = ""
            if header_checks and len(raw) and not any(c in raw.columns for c in book):
                first = {
                    unicodedata.normalize("NFKC", str(v)).strip() for v in raw.iloc[0].tolist()
                }
                if len(first & set(book)) >= max(1, len(book) // 2):
                    hint = (
                        " The item names are in the first data row: the file has extra header "
                        "rows; pass header=<row of the item names> (e.g. header=1) or skiprows=."
                    )
            raise CvlibInputError(
                f"codebook item(s) {', '.join(map(repr, absent))} are not columns of the data "
                f"(columns: {', '.join(map(repr, columns[:30]))}"
                f"{', ...' if len(columns) > 30 else ''}); fix the names, or apply part of the "
                f"codebook with codebook.subset([...]).{hint}"
            )
        not_in = [c for c in columns if c not in book]
        if not_in and strict:
            raise CvlibInputError(
                f"strict=True: column(s) {', '.join(map(repr, not_in))} are not in the "
                f"codebook; add them to the codebook (type text or numeric to keep them as "
                f"they are) or drop them before reading."
            )
    else:
        not_in = []
    declared, shown = _declared(na_values, na_preset, columns)
    problems = _Problems()
    converted: dict[Any, _Column] = {}
    rows: list[dict[str, Any]] = []
    missing_rows: list[dict[str, Any]] = []
    na_like_rows: list[dict[str, Any]] = []
    conversions: list[dict[str, Any]] = []
    for name in columns:
        spec = book.get(name) if book is not None else None
        col = _convert_column(
            raw[name],
            spec,
            declared=declared[name],
            nan_reason=nan_reason,
            out_of_range=out_of_range,
            case_insensitive=case_insensitive,
            problems=problems,
            row_labels=index,
        )
        converted[name] = col
        n_missing = sum(col.missing.values())
        missing_rows.extend({"item": name, "reason": r, "n": k} for r, k in col.missing.items())
        for token, n in col.na_like.items():
            na_like_rows.append({"item": name, "token": token, "n": n})
        conversions.extend(col.conversions)
        rows.append(
            {
                "item": name,
                "type": spec.type
                if spec is not None
                else ("not in codebook" if book is not None else "no codebook"),
                "read_as": col.read_as,
                "n_valid": len(index) - n_missing,
                "n_missing": n_missing,
                "n_normalized": col.n_normalized,
                "n_mapped": col.n_mapped,
                "n_out_of_range": col.n_out_of_range,
                "n_na_like": int(sum(col.na_like.values())),
            }
        )
    _raise_problems(problems, out_of_range)

    data, reasons_frame, all_missing = _assemble(converted, columns, index)
    for name in columns:
        if book is not None and name in book and book[name].type in _CODED:
            continue
        if isinstance(data[name].dtype, np.dtypes.ObjectDType):
            data[name] = data[name].infer_objects()
    if book is not None:
        _check_groups(data, book)

    if na_like_rows:
        listed = "; ".join(
            f"{r['item']!r}: {r['token']!r} x{r['n']}" for r in na_like_rows[:_MAX_LISTED]
        )
        warnings.warn(
            ReadNote(
                f"NA-like tokens were kept as values (survey.md §2.1): {listed}. They are "
                f"answers unless you declare them missing with na_values=[...] (or "
                f"na_preset='r_csv' for R exports)."
            ),
            stacklevel=3,
        )
    if not_in:
        warnings.warn(
            ReadNote(
                f"column(s) {', '.join(map(repr, not_in))} are not in the codebook and were read "
                f"as given (text stays text, numbers are numeric); add them to the codebook or "
                f"pass strict=True to make this an error."
            ),
            stacklevel=3,
        )
    items_table = pd.DataFrame(
        rows,
        columns=[
            "item",
            "type",
            "read_as",
            "n_valid",
            "n_missing",
            "n_normalized",
            "n_mapped",
            "n_out_of_range",
            "n_na_like",
        ],
    ).set_index("item")
    report = ReadReport(
        source=source,
        format=fmt,
        encoding=encoding,
        n_rows=len(data),
        n_columns=len(columns),
        id=id,
        codebook_source=codebook_source,
        items=items_table,
        missing=pd.DataFrame(missing_rows, columns=["item", "reason", "n"]),
        na_like=pd.DataFrame(na_like_rows, columns=["item", "token", "n"]),
        conversions=pd.DataFrame(conversions, columns=["item", "kind", "value", "to", "n"]),
        not_in_codebook=tuple(map(str, not_in)),
        n_normalized=int(items_table["n_normalized"].sum()),
        n_out_of_range=int(items_table["n_out_of_range"].sum()),
        n_all_missing=len(all_missing),
        all_missing_rows=[index[r] for r in all_missing],
        na_values=shown,
        na_preset=na_preset,
        out_of_range=out_of_range,
        case_insensitive=case_insensitive,
        strict=strict,
        sheet_name=sheet_name,
    )
    if book is not None and id is not None and id in book and len(book) > 1:
        book = book.subset([c for c in book if c != id])  # the id is the index, not an item
    return SurveyData(data=data, missing_reasons=reasons_frame, codebook=book, report=report)


def _assemble(
    converted: dict[Any, _Column], columns: list[Any], index: pd.Index
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Broadcast the per-value results to the cells (vectorised ``take``; code -1 wraps to the
    NaN entry at the end) and find respondents with every item missing."""
    n = len(index)

    def cells(values: np.ndarray, col: _Column) -> np.ndarray:
        if col.codes is None:
            return values
        return np.take(values, col.codes, mode="wrap")

    all_missing = np.ones(n, dtype=bool)
    for name in columns:
        col = converted[name]
        flags = np.asarray([r is not None for r in col.reasons], dtype=bool)
        all_missing &= cells(flags, col)
    floats = [
        c
        for c in columns
        if converted[c].values.dtype == np.float64 and converted[c].codes is not None
    ]
    if len(floats) == len(columns) and columns:
        block = np.empty((n, len(columns)), dtype="float64", order="F")
        for j, name in enumerate(columns):
            col = converted[name]
            np.take(col.values, col.codes, out=block[:, j], mode="wrap")
        data = pd.DataFrame(block, index=index, columns=columns, copy=False)
    else:
        data = pd.DataFrame(
            {name: cells(converted[name].values, converted[name]) for name in columns},
            index=index,
            columns=columns,
        )
    reasons = pd.DataFrame(
        {name: cells(converted[name].reasons, converted[name]) for name in columns},
        index=index,
        columns=columns,
        dtype=object,
    )
    found = np.flatnonzero(all_missing) if columns else np.zeros(0, dtype=int)
    return data, reasons, found


def _raise_problems(problems: _Problems, out_of_range: str) -> None:
    parts = []
    if problems.unknown:
        parts.append(
            "unknown label(s), not in the codebook (each distinct label x count):\n  "
            + "\n  ".join(problems.unknown)
            + "\nAdd them to the item's labels or missing_codes, or fix the data "
            "(case_insensitive=True matches labels ignoring case)."
        )
    if problems.text_in_numeric:
        parts.append(
            "text in numeric item(s):\n  "
            + "\n  ".join(problems.text_in_numeric)
            + "\nFix the cells, or declare the text as missing (missing_codes={'未填': "
            "'not answered'} in the codebook, or na_values=[...])."
        )
    if problems.invalid:
        more = problems.n_invalid - len(problems.invalid)
        parts.append(
            f"{problems.n_invalid} value(s) are not valid codes and not declared missing codes "
            f"(row, column, value):\n  "
            + "\n  ".join(problems.invalid)
            + (f"\n  ... and {more} more" if more > 0 else "")
            + "\nDeclare them as missing codes in the codebook (e.g. missing_codes={-99: "
            "'refused'}), fix the scale ends, or pass out_of_range='missing' to read them as "
            "missing (counted in the report)."
        )
    if parts:
        raise CvlibInputError("\n\n".join(parts))


def _check_groups(data: pd.DataFrame, book: Codebook) -> None:
    for question, items in book.groups("multi").items():
        limits = {book[i].max_select for i in items} - {None}
        if len(limits) > 1:
            raise CvlibInputError(
                f"codebook: the options of multi-select question {question!r} give different "
                f"max_select values {sorted(limits)}; give one limit"
            )
        check_multi(
            data, items, max_select=next(iter(limits)) if limits else None, question=question
        )
    for question, items in book.groups("rank").items():
        sizes = {book[i].n_ranks for i in items} - {None}
        if len(sizes) > 1 or (sizes and next(iter(sizes)) != len(items)):
            raise CvlibInputError(
                f"codebook: rank question {question!r} has n_ranks {sorted(sizes)} but "
                f"{len(items)} rank column(s) ({', '.join(map(repr, items))}); give one column "
                f"per rank position"
            )
        check_rank(data, items, question=question)
