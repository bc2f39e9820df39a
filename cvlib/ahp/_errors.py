"""Errors and warnings of :mod:`cvlib.ahp`, and the orientation text every message repeats."""

from __future__ import annotations

from cvlib._validation import CvlibInputError

#: The orientation convention (ahp.md §0), repeated in every validation message.
ORIENTATION = (
    "a_ij = importance of row i over column j (行 i 相对于列 j 的重要性); a_ji must be 1/a_ij"
)


class AHPInputError(CvlibInputError):
    """Bad AHP input (a ``ValueError``): names the node, the pair by labels, the value."""


class ReciprocityError(AHPInputError):
    """A judgment matrix is not reciprocal: |a_ij * a_ji - 1| > ``recip_tol``."""


class ScaleError(AHPInputError):
    """A judgment lies outside the chosen scale (e.g. 50 on Saaty's 1-9 scale)."""


class DuplicateJudgmentError(AHPInputError):
    """The same pair was judged twice with contradictory values (never "last one wins")."""


class MissingJudgmentError(AHPInputError):
    """A pair has no judgment while complete matrices are required (``allow_missing=False``)."""


class DisconnectedComparisonsError(AHPInputError):
    """The known pairs of an incomplete matrix do not connect all elements (ahp.md §8)."""


class HierarchyError(AHPInputError):
    """An invalid hierarchy: duplicate ids, a cycle, a node without a source, label mismatch."""


class AHPInternalError(RuntimeError):
    """A numerical result that cannot happen for a valid positive reciprocal matrix."""


class AHPWarning(UserWarning):
    """Base class of the AHP warnings (filter them all with ``AHPWarning``)."""


class InconsistencyWarning(AHPWarning):
    """CR above the threshold rule; the weights are returned unchanged with the verdict."""


class ScaleWarning(AHPWarning):
    """Accepted values that look like rounded S17 values (e.g. 0.33 for 1/3)."""


class DuplicateJudgmentWarning(AHPWarning):
    """The same pair was judged twice with consistent values (accepted)."""


class ReciprocityWarning(AHPWarning):
    """``symmetrize="upper"`` overwrote lower-triangle entries (every changed pair is listed)."""


class NormalizationWarning(AHPWarning):
    """Direct weights that did not sum to 1 were rescaled because ``normalize=True``."""


class RepairWarning(AHPWarning):
    """:func:`cvlib.ahp.repair` changed judgments (every change is in the audit trail)."""


class ConvergenceWarning(AHPWarning):
    """Batched power iteration did not converge for some matrices (LAPACK was used for them)."""
