"""Opening a home: each run opens it once at its edge and hands it to its steps, so an edit of
units.yaml counts from the next opening on (there is no cache to go stale)."""
from schemas.registry import dump_registry
from tasks.home import open_home


def test_an_edited_registry_is_read_again_at_once(home):
    first = open_home(home.root)
    renamed = first.registry.model_copy(update={"units": (
        first.registry.units[0].model_copy(update={"name": "改名村"}), *first.registry.units[1:])})
    (home.root / "units.yaml").write_text(dump_registry(renamed), encoding="utf-8")  # same tick, maybe
    assert open_home(home.root).registry.units[0].name == "改名村"
    assert first.registry.units[0].name != "改名村"  # a home already opened is a value: it does not change
