"""The network cache is never trusted blindly: changed, truncated or foreign caches are rebuilt."""

from __future__ import annotations

import shutil
import zipfile

import numpy as np
import pytest

from planner._errors import NetworkError, PlannerWarning
from planner.demo import demo_paths
from planner.engine.network import _cache_key, load_network, read_npz, save_network
from planner.engine.travel import nearest_sites, snap_points


@pytest.fixture()
def source(tmp_path, monkeypatch):
    """A private copy of the demo network and an empty cache folder."""
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "county.osm"
    shutil.copy(demo_paths().network, src)
    return src


def _cache_file(src):
    files = list((src.parent / "cache" / "networks").glob("*.npz"))
    assert len(files) == 1
    return files[0]


def _rewrite(path, **changes):
    """Rewrite an .npz with some arrays replaced (keeping its stored digest: a tampered copy)."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays.update(changes)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def _covered(net) -> int:
    sites = snap_points(net, net.x[:3], net.y[:3])
    return int((nearest_sites(net, sites, limit=900.0).dist <= 900.0).sum())


def test_scaled_lengths_in_the_cache_are_caught_and_rebuilt(source):
    fresh = load_network(source)
    cache = _cache_file(source)
    with np.load(cache) as z:
        length = z["length"]
    _rewrite(cache, length=length * 0.2)  # every walk five times shorter: far more "covered"
    with pytest.warns(PlannerWarning, match="not used") as rec:
        again = load_network(source)
    assert [w.message.code for w in rec if isinstance(w.message, PlannerWarning)] == ["cache_rebuilt"]
    assert not again.report.from_cache
    np.testing.assert_array_equal(again.length, fresh.length)
    assert _covered(again) == _covered(fresh)
    assert load_network(source).report.from_cache  # the rebuilt cache is good again


def test_lengths_and_digest_changed_together_are_still_caught(source, tmp_path):
    net = load_network(source)
    path = tmp_path / "forged.npz"
    save_network(net.__class__(net.crs, net.node_id, net.x, net.y, net.u, net.v, net.length * 0.2,
                               net.report), path)  # a consistent digest over wrong lengths
    with pytest.raises(NetworkError, match="do not match its coordinates"):
        read_npz(path)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "extra_field", "foreign"])
def test_damaged_caches_never_block_a_run(source, tmp_path, damage):
    fresh = load_network(source)
    cache = _cache_file(source)
    if damage == "truncate":
        cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 3])
    elif damage == "garbage":
        cache.write_bytes(b"not a zip file at all")
    elif damage == "extra_field":
        _rewrite(cache, unexpected=np.arange(3))
    else:  # a valid cache of another source copied under this source's name
        other = tmp_path / "other.npz"
        save_network(fresh, other, source_key="somebody else")
        shutil.copy(other, cache)
    with pytest.warns(PlannerWarning, match="rebuilt from county.osm"):
        again = load_network(source)
    np.testing.assert_array_equal(again.length, fresh.length)
    assert not again.report.from_cache


def test_a_truncated_npz_given_directly_is_a_clear_error(source, tmp_path):
    net = load_network(source)
    path = tmp_path / "net.npz"
    save_network(net, path, source_key=_cache_key(source, None))
    assert read_npz(path, source_key=_cache_key(source, None)).n_edges == net.n_edges
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(NetworkError) as info:
        read_npz(path)
    assert info.value.code == "cache_unreadable" and "net.npz" in str(info.value)
    assert not isinstance(info.value.__cause__, type(None))
    assert isinstance(info.value.__cause__, (zipfile.BadZipFile, OSError, ValueError, EOFError))
