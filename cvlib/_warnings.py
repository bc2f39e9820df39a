"""Warning categories of cvlib, so users can filter them (``warnings.simplefilter``)."""

from __future__ import annotations


class CvlibWarning(UserWarning):
    """Base class of every warning cvlib emits on purpose."""


class DataQualityWarning(CvlibWarning):
    """Rows were dropped, merged or flagged by a documented policy (see the definition card)."""


class ScoreWarning(CvlibWarning):
    """Scoring produced empty levels or split tied values (never an error; see the card)."""


class RuleTableWarning(CvlibWarning):
    """A segment rule table has unreachable segments, uncovered or overlapping codes."""
