"""What the answering chain passes from stage to stage: one typed ``AnswerState``, and ``timed``, which
makes a stage a LangChain runnable that records how long it took."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from langchain_core.runnables import RunnableLambda

from quartiers.results import Answer, Passage


@dataclass
class AnswerState:
    """What the chain's stages read and fill in, in order: condense sets ``rewritten``, retrieve
    ``passages``, answer ``result`` (verify then checks it); each stage's time goes in ``timings_ms``."""

    question: str
    history: list[Sequence[str]] = field(default_factory=list)
    filters: dict[str, Sequence[str]] = field(default_factory=dict)
    rewritten: str = ""
    passages: list[Passage] = field(default_factory=list)
    result: Answer | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def answer(self) -> Answer:
        assert self.result is not None, "the answer stage has not run"
        return self.result


Stage = Callable[[AnswerState], AnswerState]


def timed(stage: str, step: Stage) -> RunnableLambda[AnswerState, AnswerState]:
    def run(state: AnswerState) -> AnswerState:
        started = time.perf_counter()
        state = step(state)
        state.timings_ms[stage] = (time.perf_counter() - started) * 1000
        return state

    return RunnableLambda(run, name=stage)
