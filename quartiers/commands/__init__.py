"""The CLI's command handlers: thin callers of ``vectorstore`` (and later ``assistant``)."""
