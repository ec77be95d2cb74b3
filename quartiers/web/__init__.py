"""The Gradio web UI's parts; the app itself is built in ``ui.py``."""
