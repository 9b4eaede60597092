"""The tracker's HTTP API (FastAPI, mounted at /api/v1 in Streamlit's own ASGI app): the company's
稟議 workflow, e-contract and procurement systems read and decide through the same services, rules
and permission checks as the screens."""
