"""The server's document as last read, kept between runs: exactly what discovery made of it, or nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from casatui.api.discovery import builtin_catalog, parse_openapi
from casatui.core import catalog_cache

from ..cloudcasa.spec import cloudcasa_like_spec

ROOT = "https://api.staging.cloudcasa.io/v1"


def test_a_catalog_comes_back_as_it_was_kept(tmp_path: Path) -> None:
    catalog = parse_openapi(cloudcasa_like_spec())
    catalog_cache.save(tmp_path, ROOT, catalog)
    path = catalog_cache.path_for(tmp_path, ROOT)
    assert path.stat().st_mode & 0o777 == 0o600
    kept = catalog_cache.load(tmp_path, ROOT)
    assert kept is not None and kept.cached_at is not None and kept.source == "server"
    assert kept.resources == catalog.resources
    assert catalog_cache.load(tmp_path, "https://other.example.com/api/v1") is None


def test_the_built_in_list_is_not_kept(tmp_path: Path) -> None:
    catalog_cache.save(tmp_path, ROOT, builtin_catalog("no document"))
    assert catalog_cache.load(tmp_path, ROOT) is None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda record: record.update(version=0),
        lambda record: record.update(root="https://elsewhere.example.com/v1"),
        lambda record: record["resources"][0].update(name=["not", "a", "name"]),
        lambda record: record["resources"][0].pop("fields"),
        lambda record: record["resources"][0]["fields"].update(x={"type": 3}),
    ],
)
def test_anything_unexpected_is_ignored(tmp_path: Path, spoil: object) -> None:
    catalog_cache.save(tmp_path, ROOT, parse_openapi(cloudcasa_like_spec()))
    path = catalog_cache.path_for(tmp_path, ROOT)
    record = json.loads(path.read_text())
    spoil(record)  # type: ignore[operator]
    path.write_text(json.dumps(record))
    assert catalog_cache.load(tmp_path, ROOT) is None


def test_a_file_others_may_write_or_not_json_is_ignored(tmp_path: Path) -> None:
    catalog_cache.save(tmp_path, ROOT, parse_openapi(cloudcasa_like_spec()))
    path = catalog_cache.path_for(tmp_path, ROOT)
    if os.name != "nt":
        path.chmod(0o666)
        assert catalog_cache.load(tmp_path, ROOT) is None
        path.chmod(0o600)
    path.write_text("[" * 100_000)
    assert catalog_cache.load(tmp_path, ROOT) is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX links, pipes and permission bits")
def test_a_link_a_pipe_or_a_shared_directory_is_not_trusted(tmp_path: Path) -> None:
    catalog_cache.save(tmp_path, ROOT, parse_openapi(cloudcasa_like_spec()))
    path = catalog_cache.path_for(tmp_path, ROOT)
    elsewhere = tmp_path / "elsewhere.json"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    assert catalog_cache.load(tmp_path, ROOT) is None  # not followed
    path.unlink()
    os.mkfifo(path)
    assert catalog_cache.load(tmp_path, ROOT) is None  # not waited on
    path.unlink()
    os.link(elsewhere, path)
    assert catalog_cache.load(tmp_path, ROOT) is None  # another name for it elsewhere
    path.unlink()
    elsewhere.rename(path)
    assert catalog_cache.load(tmp_path, ROOT) is not None
    path.parent.chmod(0o777)
    assert catalog_cache.load(tmp_path, ROOT) is None  # anyone could have put it there
    path.parent.chmod(0o700)


def test_saving_again_replaces_the_file_whole(tmp_path: Path) -> None:
    catalog = parse_openapi(cloudcasa_like_spec())
    catalog_cache.save(tmp_path, ROOT, catalog)
    catalog_cache.save(tmp_path, ROOT, catalog)
    assert [p.name for p in catalog_cache.path_for(tmp_path, ROOT).parent.iterdir()] == [
        catalog_cache.path_for(tmp_path, ROOT).name
    ]
    assert catalog_cache.load(tmp_path, ROOT) is not None
