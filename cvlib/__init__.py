"""cvlib: customer-value analytics for CRM (客户价值分析).

Modules (import what you use, e.g. ``from cvlib.ahp import weights``):

* :mod:`cvlib.standardize`  z-scores (SPSS convention), benefit/cost rescaling, entropy weights
* :mod:`cvlib.ahp`          judgment matrices, priority methods, consistency, hierarchies
* :mod:`cvlib.rfm`          transactions -> RFM / BTYD tables, scores, segment rules and presets
* :mod:`cvlib.scoring`      customer scoring with indicator weights (Y = sum R_i X_i)
* :mod:`cvlib.segment`      current x potential value matrix, ABC / Pareto classes
* :mod:`cvlib.datasets`     bundled and synthetic data sets
* :mod:`cvlib.plots`        shared figures and the CJK font set-up
* :mod:`cvlib.report`       render notebooks into reports; the ``cvlib`` command line
"""

from importlib.metadata import PackageNotFoundError, version

from cvlib._warnings import CvlibWarning, DataQualityWarning, RuleTableWarning, ScoreWarning

try:
    __version__ = version("cvlib-crm")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "CvlibWarning",
    "DataQualityWarning",
    "RuleTableWarning",
    "ScoreWarning",
    "__version__",
]
