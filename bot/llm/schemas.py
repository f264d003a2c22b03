"""The JSON shapes the model must answer in, validated before anything is trusted.

Each prompt template names one of these in its header (`schema: summary`), so a template and
the code that reads its answer cannot drift apart unnoticed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _clean(value: str) -> str:
    return " ".join(value.split())


class _Output(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ArticleSummaryOutput(_Output):
    """One article: a headline and one to three sentences."""

    headline: str = Field(min_length=1, max_length=300)
    sentences: list[str] = Field(min_length=1, max_length=3)

    @field_validator("headline")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return _clean(value)

    @field_validator("sentences")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        cleaned = [_clean(s) for s in value]
        if not all(cleaned):
            raise ValueError("every sentence must have text")
        return cleaned

    @property
    def text(self) -> str:
        """The sentences as one paragraph."""
        return " ".join(self.sentences)


class ComposeGroup(_Output):
    """One story: the ids of the articles that tell it, a headline and a short body."""

    article_ids: list[int] = Field(min_length=1)
    headline: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=2000)

    @field_validator("headline", "body")
    @classmethod
    def _one_paragraph(cls, value: str) -> str:
        return _clean(value)


class DigestComposeOutput(_Output):
    """The articles grouped by story, most important first."""

    groups: list[ComposeGroup] = Field(min_length=1)


class TranslationOutput(_Output):
    """A headline and text carried into the other language."""

    headline: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1)


class AnswerOutput(_Output):
    """A grounded answer and the numbers of the passages it cites."""

    answer: str = Field(min_length=1)
    cited: list[int] = Field(default_factory=list)


#: Schema names as prompt headers spell them.
SCHEMAS: dict[str, type[BaseModel]] = {
    "summary": ArticleSummaryOutput,
    "digest": DigestComposeOutput,
    "translation": TranslationOutput,
    "answer": AnswerOutput,
}
