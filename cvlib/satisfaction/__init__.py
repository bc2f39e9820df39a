"""Customer-satisfaction modelling (顾客满意度建模): satisfaction indices (AHP-weighted CSI, the
ACSI-style 0-100 index), PLS path models, key drivers, importance-performance analysis, Kano,
gap analysis, win-back flags and ordinal logit (``methods/satisfaction.md``). NPS comes from
:mod:`cvlib.survey`.
"""

from cvlib.satisfaction import _csi, _drivers, _ipa, _kano, _ordinal, _pls
from cvlib.satisfaction._csi import *  # noqa: F403
from cvlib.satisfaction._drivers import *  # noqa: F403
from cvlib.satisfaction._ipa import *  # noqa: F403
from cvlib.satisfaction._kano import *  # noqa: F403
from cvlib.satisfaction._ordinal import *  # noqa: F403
from cvlib.satisfaction._pls import *  # noqa: F403

__all__ = [  # noqa: PLE0604
    *_csi.__all__,
    *_pls.__all__,
    *_drivers.__all__,
    *_ipa.__all__,
    *_kano.__all__,
    *_ordinal.__all__,
]
