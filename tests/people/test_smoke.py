import pytest

from tests.conftest import Cast, signed_in


@pytest.mark.parametrize("name", ["dsl", "deputy", "slt", "teacher", "ict", "board", "admin"])
def test_dashboard_renders_for_each_role(cast: Cast, name: str) -> None:
    response = signed_in(cast.user(name)).get("/dashboard/")
    assert response.status_code == 200
    assert cast.user(name).full_name in response.content.decode()
