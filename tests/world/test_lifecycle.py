"""Starting, stopping and resetting a world."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest

from pytest_tgstate.world import DEFAULT_ACCOUNT, FOREIGN_ACCOUNT, World, WorldError

from .support import BUCKET, TABLE, allow


def test_context_manager_starts_and_stops() -> None:
    world = World()
    with world as entered:
        assert entered is world
        assert world.running
    assert not world.running


def test_stop_twice_is_harmless() -> None:
    world = World().start()
    world.stop()
    world.stop()
    assert not world.running


def test_second_world_raises() -> None:
    with World(), pytest.raises(WorldError, match="stop it first"):
        World().start()


def test_same_world_started_twice_raises(world: World) -> None:
    with pytest.raises(WorldError, match="already running"):
        world.start()


def test_world_restartable_after_stop() -> None:
    with World():
        pass
    with World() as second:
        assert second.running


def test_client_requires_running_world() -> None:
    with pytest.raises(WorldError, match="not running"):
        World().client("s3")


def test_reset_empties_state(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:*"))
    world.set_bucket_state(BUCKET, "bare")
    world.set_table_state(TABLE, "present")
    world.client("s3", user).list_buckets()

    world.reset()

    assert world.admin_client("s3").list_buckets()["Buckets"] == []
    assert world.admin_client("dynamodb").list_tables()["TableNames"] == []
    assert world.admin_client("iam").list_users()["Users"] == []
    assert len(world.journal) == 0


def test_reset_restores_clock_and_mode(world: World) -> None:
    settings = world.settings
    settings.mode = "audit"
    world.advance(600)
    world.reset()
    assert world.settings.clock_offset.total_seconds() == 0
    assert world.settings.mode == "enforce"


def test_reset_keeps_clients_usable(world: World) -> None:
    first = world.create_user("alice", policy=allow("s3:*"))
    world.client("s3", first).create_bucket(Bucket=BUCKET)
    world.reset()
    second = world.create_user("alice", policy=allow("s3:*"))
    world.client("s3", second).create_bucket(Bucket=BUCKET)
    assert world.journal[0].status == 200


def test_moto_account_variable_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "999999999999")
    with World() as world:
        assert "MOTO_ACCOUNT_ID" not in os.environ
        user = world.create_user("alice", policy=allow("s3:*"))
        world.client("s3", user).create_bucket(Bucket=BUCKET)
        owned = world.admin_client("s3").list_buckets()["Buckets"]
        assert [bucket["Name"] for bucket in owned] == [BUCKET]
    assert os.environ["MOTO_ACCOUNT_ID"] == "999999999999"


def test_stop_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    with World() as world:
        user = world.create_user("alice", policy=allow("s3:*", "dynamodb:*"))
        world.client("s3", user).create_bucket(Bucket=BUCKET)
        world.set_table_state(TABLE, "present")
    after = set(threading.enumerate())
    assert after - before == set()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"account": "12345"}, "account '12345' is invalid"),
        ({"account": "12345678901a"}, "account '12345678901a' is invalid"),
        ({"foreign_account": "1234567890123"}, "foreign_account '1234567890123'"),
        ({"foreign_account": DEFAULT_ACCOUNT}, "the foreign account must differ"),
        ({"account": FOREIGN_ACCOUNT}, "the foreign account must differ"),
    ],
)
def test_invalid_account_raises(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        World(**arguments)


def test_reset_reuses_every_service_client(world: World) -> None:
    first = world.create_user("alice", policy=allow("s3:*"))
    services = ("sts", "s3", "dynamodb")
    before = [world.client(service, first) for service in services]
    world.reset()
    second = world.create_user("alice", policy=allow("s3:*"))
    after = [world.client(service, second) for service in services]
    for old, new in zip(before, after, strict=True):
        assert new is old


def test_reused_client_signs_as_new_key(world: World) -> None:
    first = world.create_user("alice")
    world.client("sts", first)
    world.reset()
    second = world.create_user("alice")
    identity = world.client("sts", second).get_caller_identity()
    assert identity["Arn"] == second.arn
    assert world.journal[-1].principal == second.arn
