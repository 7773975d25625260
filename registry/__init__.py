"""The server's publishing registry: checks of its OAI-PMH interface and records
against what the IVOA Registry of Registries (RofR) requires, and the
registration of the registry with the RofR.

`python -m registry validate` harvests the OAI-PMH endpoint and prints a report;
`python -m registry register` submits the endpoint to the RofR once it passes.
"""
