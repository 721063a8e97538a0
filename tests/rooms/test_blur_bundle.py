"""The background-blur model and its runtime are served from Chaperon's own static files
(SES-14): the committed copies are byte for byte those of the npm package that
package-lock.json pins (`scripts/vendor-blur` copies them after `make node`)."""

import json
from pathlib import Path

import pytest

from chaperon.rooms.blur import blur_files
from chaperon.rooms.blur_bundle import BUNDLED, FILES, PACKAGE, VENDOR

ROOT = Path(__file__).resolve().parents[2]
INSTALLED = ROOT / "node_modules" / PACKAGE
COMMITTED = ROOT / "chaperon" / "rooms" / "static" / VENDOR

pytestmark = pytest.mark.clause("SES-14")


def test_the_installed_package_is_the_pinned_version() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"][f"node_modules/{PACKAGE}"]["version"]
    assert json.loads((ROOT / "package.json").read_text())["devDependencies"][PACKAGE] == pinned
    assert json.loads((INSTALLED / "package.json").read_text())["version"] == pinned, (
        "node_modules holds another version: run `make node`"
    )


@pytest.mark.parametrize("name", BUNDLED)
def test_each_bundled_file_is_the_packages_own(name: str) -> None:
    committed = (COMMITTED / name).read_bytes()
    assert committed == (INSTALLED / name).read_bytes(), (
        f"{name} differs from the pinned package's: run scripts/vendor-blur"
    )


def test_the_page_is_given_every_file_it_loads_from_this_site() -> None:
    urls = blur_files()
    assert set(urls) == set(FILES)
    assert all(url == f"/static/{VENDOR}/{name}" for name, url in urls.items())
    assert sum((COMMITTED / name).stat().st_size for name in BUNDLED) < 7_000_000
