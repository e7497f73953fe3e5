"""Contract of the repair log: one row per repair or problem found in an article."""

from __future__ import annotations

import pandera.polars as pa


class QualityIssueModel(pa.DataFrameModel):
    """A repair or problem: article, kind (snake_case), human-readable detail."""

    article_id: str
    issue_index: int = pa.Field(ge=0)
    kind: str = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    detail: str = pa.Field(nullable=True)
    before: str = pa.Field(nullable=True)  # excerpt of the text before the repair
    after: str = pa.Field(nullable=True)  # … and after it

    class Config:
        strict = False
