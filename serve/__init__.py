"""The production start: N Streamlit replicas behind nginx (``python -m serve``, ``scripts/serve.sh``)."""
