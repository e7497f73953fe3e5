"""pandera (polars backend) models, one module per frame that crosses a stage.

This package imports nothing from flows/ or warehouse/: the contracts stand on
their own, and the pipeline is checked against them.
"""

from schemas.article import ArticleModel
from schemas.date_candidate import DateCandidateModel
from schemas.quality_issue import QualityIssueModel
from schemas.raw_document import RawDocumentModel
from schemas.validate import Failure, check_references, split_valid

__all__ = [
    "ArticleModel",
    "DateCandidateModel",
    "Failure",
    "QualityIssueModel",
    "RawDocumentModel",
    "check_references",
    "split_valid",
]
