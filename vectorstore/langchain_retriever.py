"""The hybrid retriever behind LangChain's ``BaseRetriever``, so it composes with LangChain chains.

    retriever = QuartiersRetriever(hybrid=HybridRetriever(store), k=5, filters={"region": ["Occitanie"]})
    retriever.invoke("aide alimentaire")  # -> list[Document], metadata as in `quartiers retrieve --json`
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from vectorstore.retriever import HybridRetriever


class QuartiersRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    hybrid: HybridRetriever
    k: int = 5
    filters: dict[str, list[str]] = Field(default_factory=dict)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[Document]:
        passages = self.hybrid.search(query, k=kwargs.get("k", self.k), filters=kwargs.get("filters", self.filters))
        documents = []
        for passage in passages:
            metadata = {key: value for key, value in passage.to_json().items() if key != "text" and value is not None}
            documents.append(Document(page_content=passage.text, metadata=metadata, id=passage.chunk_id))
        return documents
