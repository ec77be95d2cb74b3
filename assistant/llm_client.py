"""The chat model behind the ``llm`` answerer: any OpenAI-compatible endpoint, through LangChain.

Every failure of the endpoint becomes an ``LLMError`` whose ``reason`` is a short French phrase the user
may read ("délai dépassé", "clé d'API refusée"...). Nothing here ever puts the API key in a message: the
key travels as a ``SecretStr`` down to the HTTP client, and the endpoint's own error text is not shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

# llama.cpp and vLLM accept any key when none is set; the OpenAI client insists on a non-empty one.
_NO_KEY = SecretStr("sans-cle")


class LLMError(Exception):
    """The endpoint could not give a usable answer; ``reason`` is French and safe to show."""

    def __init__(self, reason: str, *, schema_refused: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.schema_refused = schema_refused  # a 400 that a plain-text request may not get


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: SecretStr | None = None
    timeout_s: float = 60.0  # per request: connect, and each wait for the next streamed token
    max_retries: int = 1
    max_tokens: int = 350  # four short sentences in JSON fit; a looping small model is cut early
    temperature: float = 0.0  # deterministic answers: the same question gets the same sentences

    def __repr__(self) -> str:  # never the key, even in a traceback's locals
        return f"LLMConfig(base_url={self.base_url!r}, model={self.model!r}, timeout_s={self.timeout_s})"

    def describe(self) -> dict[str, Any]:
        """The endpoint and its settings for a report, never the key."""
        return {"base_url": self.base_url, "model": self.model, "timeout_s": self.timeout_s,
                "max_tokens": self.max_tokens, "temperature": self.temperature}


class ChatClient:
    """A thin wrapper over ``langchain_openai.ChatOpenAI`` that streams text and maps errors to French."""

    def __init__(self, config: LLMConfig) -> None:
        from langchain_openai import ChatOpenAI  # imported when an LLM is used: it pulls openai and httpx

        self.config = config
        self.model = ChatOpenAI(
            base_url=config.base_url, model=config.model, api_key=config.api_key or _NO_KEY,
            timeout=config.timeout_s, max_retries=config.max_retries, temperature=config.temperature,
            max_completion_tokens=config.max_tokens,
        )

    def stream(self, messages: Sequence[tuple[str, str]], response_format: dict[str, Any] | None = None
               ) -> Iterator[str]:
        """The answer's text as it arrives, chunk by chunk."""
        model: Any = self.model.bind(response_format=response_format) if response_format else self.model
        try:
            for chunk in model.stream(list(messages)):
                if isinstance(chunk.content, str) and chunk.content:
                    yield chunk.content
        except LLMError:
            raise
        except Exception as error:
            if _truncated(error):
                return  # max_tokens reached: the sentences completed so far stand on their own
            raise translate(error) from None  # "from None": the chained error may quote the request

    def complete(self, messages: Sequence[tuple[str, str]]) -> str:
        return "".join(self.stream(messages))


def _truncated(error: BaseException) -> bool:
    import openai

    return isinstance(error, openai.LengthFinishReasonError)


def translate(error: BaseException) -> LLMError:
    """The French reason for an endpoint failure, without the endpoint's own text (it may echo a key)."""
    import openai  # its errors wrap the HTTP client's (httpx or httpx2, depending on the version)

    if isinstance(error, openai.APITimeoutError | TimeoutError):
        return LLMError("délai dépassé")
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return LLMError("clé d'API refusée")
    if isinstance(error, openai.APIConnectionError | ConnectionError):
        return LLMError("serveur injoignable")
    if isinstance(error, openai.NotFoundError):
        return LLMError("modèle ou adresse introuvable")
    if isinstance(error, openai.BadRequestError | openai.UnprocessableEntityError):
        return LLMError("requête refusée par le serveur", schema_refused=True)
    if isinstance(error, openai.RateLimitError):
        return LLMError("trop de requêtes (limite du serveur)")
    if isinstance(error, openai.APIStatusError):
        return LLMError(f"erreur du serveur (HTTP {error.status_code})")
    return LLMError("réponse illisible")


__all__ = ["ChatClient", "LLMConfig", "LLMError", "translate"]
