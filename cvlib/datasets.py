"""Data sets: loaders for the bundled files in ``data/`` and seeded synthetic generators.

Every bundled file is listed in :data:`REGISTRY` with its SHA-256 checksum, its source and its
licence (the same facts as ``data/SOURCES.md``). Loaders verify the checksum, so a report can never
silently run on a changed file. ``python -m cvlib.datasets check`` verifies every bundled file.

Data sets
---------
``lubricant``
    The lubricant-company case of the AHP customer-value article (润滑油公司算例): 7 customers x 12
    indicator scores. The source's raw data are lost; these values are the **constructed** fixture of
    ``methods/value_and_credit.md`` §1.5 that reproduces the published segments (customers 1, 5, 7
    high value; 3 low; 2, 4, 6 middle).
``lubricant_indicators``
    Names for the 12 leaf indicators. The source lost them (its Figure 1 is missing): the names are
    plausible ones chosen by cvlib, not the article's.
``lubricant_hierarchy``
    The case's indicator hierarchy with judgment matrices: the reconstruction of ``methods/ahp.md``
    §15.6 (the article printed the weights, not its matrices), and the published composite weights.
``cdnow_master``, ``cdnow_sample``, ``cdnow_summary``, ``cdnow_summary_with_transactions``
    The CDNOW transactions of Fader & Hardie (real data), copied from the lifetimes 0.11.3 wheel
    (MIT); see :func:`load_cdnow`.
``b2b_customers``
    3,000 synthetic B2B customers of a lubricant distributor with the same 12 indicators in natural
    units plus annual revenue, made by :func:`synthetic_b2b_customers` with ``seed=2026``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cvlib._validation import CvlibInputError

__all__ = [
    "LUBRICANT_CODES",
    "REGISTRY",
    "check",
    "data_path",
    "default_data_dir",
    "file_sha256",
    "load_b2b_customers",
    "load_cdnow",
    "load_hierarchy_file",
    "load_lubricant",
    "load_lubricant_hierarchy",
    "load_lubricant_indicators",
    "synthetic_b2b_customers",
]

#: Name -> file, checksum, description, provenance. Keep in step with data/SOURCES.md.
REGISTRY: dict[str, dict[str, str]] = {
    "lubricant": {
        "file": "lubricant_customers.csv",
        "sha256": "f6d9f64522a85743da59dca857f1a43dbf5360f3511cbe5816616b0dd077c1e7",
        "description": "7 customers x 12 indicator scores (constructed fixture)",
        "source": "methods/value_and_credit.md §1.5 (synthetic; the article's data are lost)",
        "licence": "CC0 (constructed by cvlib)",
    },
    "lubricant_indicators": {
        "file": "lubricant_indicators.csv",
        "sha256": "b894c31305318e0582aeaf4903cbd63acdec9eab63a34870db65fa38586966e7",
        "description": "names, parents and directions of the 12 leaf indicators",
        "source": "cvlib (plausible names; the article's Figure 1 is lost)",
        "licence": "CC0 (constructed by cvlib)",
    },
    "lubricant_hierarchy": {
        "file": "lubricant_hierarchy.yaml",
        "sha256": "5d35ecfcc4fd6e08bacd06cd1e83dce7755687a6be89351b581fe502c01a2ba0",
        "description": "indicator hierarchy with reconstructed judgment matrices",
        "source": "methods/ahp.md §15.6 reconstruction (the article's matrices are lost)",
        "licence": "CC0 (constructed by cvlib)",
    },
    "cdnow_master": {
        "file": "CDNOW_master.txt",
        "sha256": "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
        "description": "CDNOW master: 69,659 transactions of 23,570 customers, 1997-01 to 1998-06",
        "source": "Fader & Hardie CDNOW data, copied from the lifetimes 0.11.3 wheel (sha256 261e3dc8...)",
        "licence": "MIT (lifetimes 0.11.3 package)",
    },
    "cdnow_sample": {
        "file": "CDNOW_sample.txt",
        "sha256": "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
        "description": "CDNOW 1/10 sample: 6,919 transactions of 2,357 customers",
        "source": "Fader & Hardie CDNOW data, copied from the lifetimes 0.11.3 wheel (sha256 261e3dc8...)",
        "licence": "MIT (lifetimes 0.11.3 package)",
    },
    "cdnow_summary": {
        "file": "cdnow_customers_summary.csv",
        "sha256": "09d92ca80daaabe8be0f997d4c539f9c9606106baa5b199081fe01cbce5fa9f6",
        "description": "CDNOW sample BTYD summary (frequency, recency, T in weeks)",
        "source": "Fader & Hardie CDNOW data, copied from the lifetimes 0.11.3 wheel (sha256 261e3dc8...)",
        "licence": "MIT (lifetimes 0.11.3 package)",
    },
    "cdnow_summary_with_transactions": {
        "file": "cdnow_customers_summary_with_transactions.csv",
        "sha256": "7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f",
        "description": "CDNOW sample summary with mean spend (Gamma-Gamma input)",
        "source": "Fader & Hardie CDNOW data, copied from the lifetimes 0.11.3 wheel (sha256 261e3dc8...)",
        "licence": "MIT (lifetimes 0.11.3 package)",
    },
    "b2b_customers": {
        "file": "b2b_customers.csv",
        "sha256": "43a0954de010e10a9d33c484d5328e34553443ac246375ea601d8acbb816e965",
        "description": "3,000 synthetic B2B customers, 12 indicators in natural units + revenue",
        "source": "cvlib.datasets.synthetic_b2b_customers(n=3000, seed=2026)",
        "licence": "CC0 (synthetic, generated by cvlib)",
    },
}

#: The 12 leaf indicator codes of the lubricant hierarchy, in tree order.
LUBRICANT_CODES = [
    "TP1",
    "TP2",
    "TP3",
    "TP4",
    "SV1",
    "SV2",
    "SV3",
    "LO1",
    "LO2",
    "CR1",
    "CR2",
    "CR3",
]


def default_data_dir() -> Path:
    """The repository's ``data/`` folder (cvlib is installed from a source checkout)."""
    return Path(__file__).resolve().parent.parent / "data"


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_path(name: str, data_dir: str | Path | None = None, *, verify: bool = True) -> Path:
    """Path of a registered data set, checked for existence and (by default) its checksum."""
    if name not in REGISTRY:
        raise CvlibInputError(
            f"unknown data set {name!r}; registered data sets: {', '.join(REGISTRY)}."
        )
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    path = folder / REGISTRY[name]["file"]
    if not path.is_file():
        raise FileNotFoundError(
            f"data set {name!r} not found at {path}; pass data_dir= the folder holding "
            f"{REGISTRY[name]['file']} (the repository's data/ folder)."
        )
    expected = REGISTRY[name]["sha256"]
    if verify and expected:
        actual = file_sha256(path)
        if actual != expected:
            raise CvlibInputError(
                f"{path} has SHA-256 {actual[:12]}..., expected {expected[:12]}... "
                f"(data/SOURCES.md); the file was changed. Restore it with git, or pass "
                f"verify=False to load a modified copy on purpose."
            )
    return path


def load_lubricant(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The 7-customer lubricant fixture: indicator scores indexed by ``customer`` (1..7).

    Examples
    --------
    >>> load_lubricant().loc[1, "TP1"]
    np.int64(90)
    """
    return pd.read_csv(data_path("lubricant", data_dir), index_col="customer")


def load_lubricant_indicators(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Leaf indicator metadata (code, parent, Chinese and English name, direction, unit).

    Examples
    --------
    >>> load_lubricant_indicators().loc["LO1", "name_zh"]
    '重复购买率'
    """
    return pd.read_csv(data_path("lubricant_indicators", data_dir), index_col="code")


def load_hierarchy_file(path: str | Path) -> dict:
    """Read a hierarchy YAML file (``root``, ``nodes``; see ``data/lubricant_hierarchy.yaml``)."""
    with open(path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    if not isinstance(spec, dict) or "nodes" not in spec or "root" not in spec:
        raise CvlibInputError(
            f"{path} is not a hierarchy file: it needs a 'root' name and a 'nodes' mapping "
            f"(see data/lubricant_hierarchy.yaml for the format)."
        )
    return spec


def load_lubricant_hierarchy(data_dir: str | Path | None = None) -> dict:
    """The lubricant hierarchy: ``root``, ``nodes`` (children + judgment matrix per node) and the
    article's ``published_composite_weights``.

    Examples
    --------
    >>> spec = load_lubricant_hierarchy()
    >>> spec["root"], spec["nodes"]["客户价值"]["children"]
    ('客户价值', ['当前价值', '潜在价值'])
    """
    return load_hierarchy_file(data_path("lubricant_hierarchy", data_dir))


def load_b2b_customers(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The bundled 3,000 synthetic B2B customers, indexed by ``customer`` (B0001...).

    Examples
    --------
    >>> load_b2b_customers().shape
    (3000, 14)
    """
    return pd.read_csv(data_path("b2b_customers", data_dir), index_col="customer")


_INDUSTRIES = ["制造业", "运输物流", "工程机械", "汽车服务", "农业机械"]


def synthetic_b2b_customers(n: int = 3000, seed: int = 2026) -> pd.DataFrame:
    """Seeded synthetic B2B customers of a lubricant distributor (合成数据, not real customers).

    The 12 indicators of the lubricant hierarchy in natural units, with the dependence a real
    customer base shows: heavy-tailed (log-normal) profit and volume that move together, growth
    rates that can be negative, loyalty and credit partly independent of size. Values are stored to
    2 decimals, as a bookkeeping export would.

    ============  =====================================  ==========
    column        meaning                                unit
    ============  =====================================  ==========
    TP1           annual gross profit 年度毛利润           10k CNY
    TP2           profit growth 利润增长率                  %
    TP3           margin 单位产品利润率                     %
    TP4           value-added service profit 增值服务利润   10k CNY
    SV1           annual purchase volume 年度采购量         tonnes
    SV2           purchase volume growth 采购量增长率        %
    SV3           product lines bought 采购品类数           count
    LO1           repurchase rate 重复购买率                %
    LO2           years as a customer 合作年限              years
    CR1           on-time payment rate 按期回款率           %
    CR2           credit rating score 资信等级              0-100
    CR3           contract fulfilment rate 合同履约率       %
    revenue       annual revenue 年销售额                   10k CNY
    ============  =====================================  ==========

    Parameters
    ----------
    n : int
        Number of customers (>= 10).
    seed : int
        Seed of the numpy ``Generator``; the same seed gives the same table.

    Examples
    --------
    >>> df = synthetic_b2b_customers(100, seed=1)
    >>> df.shape
    (100, 14)
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 10:
        raise CvlibInputError(f"n must be an integer >= 10, got {n!r}.")
    rng = np.random.default_rng(seed)
    size = rng.normal(0.0, 1.0, n)  # latent account size
    health = rng.normal(0.0, 1.0, n)  # latent relationship quality
    margin = np.clip(rng.normal(18.0, 5.0, n), 2.0, 40.0)
    gross_profit = np.exp(3.0 + 1.0 * size + rng.normal(0, 0.25, n))
    revenue = gross_profit / (margin / 100.0)
    volume = revenue * 10_000 / rng.normal(12_000, 1_000, n).clip(8_000) * 1.0
    profit_growth = rng.normal(4.0, 10.0, n) + 3.0 * health
    volume_growth = 0.6 * profit_growth + rng.normal(1.0, 6.0, n)
    service_profit = gross_profit * rng.beta(2.0, 8.0, n) * 0.5
    product_lines = np.clip(rng.poisson(np.exp(1.2 + 0.35 * size)), 1, 30)
    loyalty = 1.0 / (1.0 + np.exp(-(1.0 + 0.9 * health + rng.normal(0, 0.6, n))))
    years = 1 + rng.poisson(np.exp(1.4 + 0.3 * health + 0.2 * size))
    ontime = 100.0 / (1.0 + np.exp(-(2.2 + 0.8 * health + rng.normal(0, 0.7, n))))
    credit = np.clip(62.0 + 9.0 * health + 4.0 * size + rng.normal(0, 8.0, n), 15.0, 100.0)
    fulfil = 100.0 / (1.0 + np.exp(-(3.0 + 0.6 * health + rng.normal(0, 0.8, n))))
    frame = pd.DataFrame(
        {
            "TP1": gross_profit,
            "TP2": profit_growth,
            "TP3": margin,
            "TP4": service_profit,
            "SV1": volume,
            "SV2": volume_growth,
            "SV3": product_lines.astype("float64"),
            "LO1": 100.0 * loyalty,
            "LO2": years.astype("float64"),
            "CR1": ontime,
            "CR2": credit,
            "CR3": fulfil,
            "revenue": revenue,
        },
        index=pd.Index([f"B{i:04d}" for i in range(1, n + 1)], name="customer"),
    ).round(2)
    frame.insert(0, "industry", rng.choice(_INDUSTRIES, size=n, p=[0.35, 0.25, 0.15, 0.15, 0.10]))
    return frame


CDNOW_KINDS = {
    "master": "cdnow_master",
    "sample": "cdnow_sample",
    "summary": "cdnow_summary",
    "summary_with_transactions": "cdnow_summary_with_transactions",
}


def load_cdnow(
    kind: str = "master", path: str | Path | None = None, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """The CDNOW data of Fader & Hardie (real CD purchases, 1997-01 to 1998-06).

    ``kind="master"``: 69,659 transactions of 23,570 customers (the 1997-Q1 cohort), columns
    ``customer_id`` (zero-padded string, e.g. ``"00001"``), ``date`` (datetime64, parsed with the
    explicit format ``%Y%m%d``), ``number_of_cds``, ``dollar_value``. ``"sample"``: the 1/10 sample
    (``customer_id``, ``sample_id``, ``date``, ``number_of_cds``, ``dollar_value``);
    ``"summary"`` and ``"summary_with_transactions"``: the BTYD summaries of the sample (weeks).

    The bundled copy (``data/``, from the lifetimes 0.11.3 wheel, MIT) is checksum-verified; a file
    at ``path`` is read as given (its checksum is not checked).

    Examples
    --------
    >>> tx = load_cdnow()
    >>> tx.shape, tx["customer_id"].nunique()
    ((69659, 4), 23570)

    References
    ----------
    Fader, P. S., & Hardie, B. G. S. (2001). Forecasting repeat sales at CDNOW: a case study.
    *Interfaces* 31(3), S94-S107. Data: brucehardie.com/datasets.
    """
    if kind not in CDNOW_KINDS:
        raise CvlibInputError(
            f"kind={kind!r} is not a CDNOW file; use one of {', '.join(map(repr, CDNOW_KINDS))}."
        )
    file = Path(path) if path is not None else data_path(CDNOW_KINDS[kind], data_dir)
    if kind == "master":
        frame = pd.read_csv(file, sep=r"\s+", dtype={"customer_id": str, "date": str})
    elif kind == "sample":
        frame = pd.read_csv(
            file,
            sep=r"\s+",
            header=None,
            names=["customer_id", "sample_id", "date", "number_of_cds", "dollar_value"],
            dtype={"customer_id": str, "sample_id": str, "date": str},
        )
    else:
        return pd.read_csv(file)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def check(data_dir: str | Path | None = None) -> list[str]:
    """Verify every registered file's checksum; return one line per file, raise on a mismatch."""
    lines = []
    for name in REGISTRY:
        path = data_path(name, data_dir)
        lines.append(f"ok  {name:<22} {path.name}  sha256 {file_sha256(path)[:12]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """``python -m cvlib.datasets check``: verify the bundled data (part of the set-up)."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["check"]:
        print("usage: python -m cvlib.datasets check [DATA_DIR]", file=sys.stderr)
        return 2
    try:
        for line in check(args[1] if len(args) > 1 else None):
            print(line)
    except (FileNotFoundError, CvlibInputError) as error:
        print(f"cvlib.datasets: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
