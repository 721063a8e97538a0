from typing import NoReturn

from django.http import HttpRequest
from ninja import NinjaAPI, Router, Swagger
from ninja.operation import Operation

from chaperon.core.exceptions import NotFound
from chaperon.people.api import router as people_router
from chaperon.policy.api import router as policy_router

from .auth import ApiTokenAuth
from .errors import register_error_handlers
from .parsing import JsonBodyParser


class ChaperonAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view's own name (``learner_list``), which client generators turn into methods.
        return operation.view_func.__name__


api = ChaperonAPI(
    title="Chaperon API",
    version="1",
    description="People and organisation data for integrations. Authenticate with a bearer "
    "token made on the API tokens page: it acts as you, with exactly your permissions.",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # The docs page loads Swagger UI from our own static files. No validator badge: it would
    # send the schema's address to an outside service and load an image from there.
    docs=Swagger(settings={"validatorUrl": None}),
    auth=ApiTokenAuth(),
    parser=JsonBodyParser(),
)
register_error_handlers(api)
api.add_router("/", people_router)
api.add_router("/", policy_router)

# Added last, so it matches only what no operation does: a mistyped address gets a JSON answer
# rather than the site's HTML "not found" page.
unknown = Router()


@unknown.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_address(request: HttpRequest, rest: str) -> NoReturn:
    raise NotFound("No such API address. The operations are listed at /api/docs.")


api.add_router("/", unknown)
