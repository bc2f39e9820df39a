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


class ReadNote(CvlibWarning):
    """An informational note of :func:`cvlib.survey.read_survey` / :func:`cvlib.survey.apply_codebook`:
    columns holding NA-like tokens kept as values, columns read without a codebook entry. Nothing
    was changed; silence it with ``warnings.simplefilter("ignore", cvlib.survey.ReadNote)``.

    A warning rather than a logging record, so that the note shows in a notebook and a script
    without any logging set-up (survey.md §2.1: "so the user can decide"); the same facts are in
    ``SurveyData.report`` (``na_like``, ``not_in_codebook``)."""
