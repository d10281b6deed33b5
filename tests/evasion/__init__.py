"""The evasion corpus (``corpus.py``) and the canary server (``canary.py``) of the guard tests."""
