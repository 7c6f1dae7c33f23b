"""Opening a home: what was loaded is reused only while its files are byte for byte the same."""
from schemas.registry import dump_registry
from tasks.home import open_home


def test_an_edited_registry_is_read_again_at_once(home):
    first = open_home(home.root)
    assert open_home(home.root).registry is first.registry          # unchanged: loaded once
    renamed = first.registry.model_copy(update={"units": (
        first.registry.units[0].model_copy(update={"name": "改名村"}), *first.registry.units[1:])})
    (home.root / "units.yaml").write_text(dump_registry(renamed), encoding="utf-8")  # same tick, maybe
    assert open_home(home.root).registry.units[0].name == "改名村"
