"""Questionnaire analysis (问卷分析): codebooks, safe reading, descriptives, NPS, reliability,
validity and cross-tabs (``methods/survey.md``).

Each public function takes a DataFrame (one row per respondent) or the result of
:func:`read_survey` (which carries the codebook and the reasons for missing values).
"""

from cvlib.survey import (
    _codebook,
    _crosstab,
    _describe,
    _factor,
    _groups,
    _likert,
    _read,
    _reliability,
)
from cvlib.survey._codebook import *  # noqa: F403
from cvlib.survey._crosstab import *  # noqa: F403
from cvlib.survey._describe import *  # noqa: F403
from cvlib.survey._factor import *  # noqa: F403
from cvlib.survey._groups import *  # noqa: F403
from cvlib.survey._likert import *  # noqa: F403
from cvlib.survey._read import *  # noqa: F403
from cvlib.survey._reliability import *  # noqa: F403

__all__ = [  # noqa: PLE0604
    *_codebook.__all__,
    *_read.__all__,
    *_describe.__all__,
    *_reliability.__all__,
    *_factor.__all__,
    *_crosstab.__all__,
    *_groups.__all__,
    *_likert.__all__,
]
