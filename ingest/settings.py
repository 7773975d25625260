"""Service settings the ingest needs (server URL, IVOA authority, publisher, HAPI URL).

They come from :func:`instance.settings.load` (settings.env overlaid by the
environment); the defaults below are those of the repository's settings.env,
used when the instance package cannot give them.
"""
from __future__ import annotations

import os

DEFAULTS = {
    "CDPP_SERVER_URL": "http://localhost:8080",
    "CDPP_AUTHORITY": "cdpp.irap",
    "CDPP_PUBLISHER": "CDPP (Centre de Données de la Physique des Plasmas)",
    "CDPP_HAPI_URL": "https://amda.irap.omp.eu/service/hapi",
    "CDPP_SPASE_LANDING_URL": "https://hpde.io",
}


def load():
    """Return the settings dict: instance settings if available, else DEFAULTS overlaid by the environment."""
    values = dict(DEFAULTS)
    try:
        from instance import settings as instance_settings
        values.update(instance_settings.load())
    except (ImportError, AttributeError, OSError):
        values.update({k: os.environ[k] for k in DEFAULTS if k in os.environ})
    return values
