"""The web app (Gradio): start-up (``app``), layout (``layout``), wiring (``events``), behaviour (``chat``,
``library``) over ``service``, the one door to the store and the assistant."""

import os

# Before any module of this package imports gradio: no analytics calls, no model hub lookups.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
