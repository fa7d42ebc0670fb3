"""Hydra plugin: the sweeper of ``python -m sim`` (Hydra finds plugins only under the ``hydra_plugins`` package)."""
