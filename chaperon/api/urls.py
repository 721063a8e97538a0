from ninja import NinjaAPI

api = NinjaAPI(
    title="Chaperon API",
    version="1",
    description="People and organisation data for integrations. Authenticate with a bearer token.",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
