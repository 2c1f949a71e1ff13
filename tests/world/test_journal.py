"""The journal: one entry per request, with its decisions and result."""

from __future__ import annotations

from pytest_tgstate.world import JournalEntry, World

from .support import BUCKET, BUCKET_ARN, allow, client_error

ALICE_ARN = "arn:aws:iam::123456789012:user/alice"


def test_entries_numbered_in_order(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:*"))
    s3 = world.client("s3", user)
    s3.create_bucket(Bucket=BUCKET)
    s3.head_bucket(Bucket=BUCKET)
    s3.list_objects_v2(Bucket=BUCKET)
    assert [entry.sequence for entry in world.journal] == [1, 2, 3]


def test_entry_names_call(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:*"))
    world.client("s3", user).create_bucket(Bucket=BUCKET)
    entry = world.journal[-1]
    assert entry.service == "s3"
    assert entry.operation == "CreateBucket"
    assert entry.label == "s3:CreateBucket"
    assert entry.principal == ALICE_ARN


def test_allowed_entry_records_decisions(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:*"))
    world.client("s3", user).create_bucket(Bucket=BUCKET)
    entry = world.journal[-1]
    assert [requirement.action for requirement in entry.requirements] == [
        "s3:CreateBucket"
    ]
    assert [decision.allowed for decision in entry.decisions] == [True]
    assert entry.decisions[0].policy_name == "alice-policy"
    assert entry.status == 200
    assert entry.error_code is None
    assert entry.forwarded
    assert entry.allowed
    assert entry.first_denial is None


def test_denied_entry_records_denial(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:CreateBucket"))
    s3 = world.client("s3", user)
    client_error(
        lambda: s3.create_bucket(Bucket=BUCKET, ObjectOwnership="ObjectWriter")
    )
    entry = world.journal[-1]
    denial = entry.first_denial
    assert entry.denied
    assert entry.status == 403
    assert entry.error_code == "AccessDenied"
    assert denial is not None
    assert denial.action == "s3:PutBucketOwnershipControls"
    assert denial.resource == BUCKET_ARN
    assert denial.reason == "implicit deny"
    assert entry.error_message == denial.message


def test_moto_error_recorded(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:*"))
    s3 = world.client("s3", user)
    client_error(lambda: s3.get_bucket_versioning(Bucket="no-such-bucket"))
    entry = world.journal[-1]
    assert entry.allowed
    assert entry.forwarded
    assert entry.status == 404
    assert entry.error_code == "NoSuchBucket"


def test_head_error_code_is_status(world: World) -> None:
    user = world.create_user("alice")
    world.set_bucket_state(BUCKET, "bare")
    client_error(lambda: world.client("s3", user).head_bucket(Bucket=BUCKET))
    assert world.journal[-1].error_code == "403"


def test_describe_summarises_entry(world: World) -> None:
    user = world.create_user("alice")
    world.set_bucket_state(BUCKET, "bare")
    client_error(lambda: world.client("s3", user).get_bucket_tagging(Bucket=BUCKET))
    assert world.journal[-1].describe() == (
        f"#1 s3:GetBucketTagging by {ALICE_ARN}: 403 AccessDenied "
        f"(denied s3:GetBucketTagging on {BUCKET_ARN})"
    )


def test_step_labels_entries(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:*"))
    s3 = world.client("s3", user)
    with world.journal.step("create"):
        s3.create_bucket(Bucket=BUCKET)
        with world.journal.step("inspect"):
            s3.head_bucket(Bucket=BUCKET)
        s3.get_bucket_versioning(Bucket=BUCKET)
    s3.list_objects_v2(Bucket=BUCKET)
    steps = [entry.step for entry in world.journal]
    assert steps == ["create", "inspect", "create", None]


def test_journal_first_denial(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:CreateBucket"))
    s3 = world.client("s3", user)
    s3.create_bucket(Bucket=BUCKET)
    client_error(lambda: s3.get_bucket_versioning(Bucket=BUCKET))
    client_error(lambda: s3.get_bucket_tagging(Bucket=BUCKET))
    first = world.journal.first_denial()
    assert first is not None
    assert first.action == "s3:GetBucketVersioning"
    assert len(world.journal.denials()) == 2


def test_journal_since_mark(world: World) -> None:
    user = world.create_user("alice", policy=allow("s3:*"))
    s3 = world.client("s3", user)
    s3.create_bucket(Bucket=BUCKET)
    mark = world.journal.mark()
    s3.head_bucket(Bucket=BUCKET)
    assert [entry.operation for entry in world.journal.since(mark)] == ["HeadBucket"]


def test_admin_calls_not_journaled(world: World) -> None:
    world.set_bucket_state(BUCKET, "bootstrapped")
    world.create_user("alice")
    assert len(world.journal) == 0


def test_observers_called_per_entry(world: World) -> None:
    seen: list[JournalEntry] = []
    world.settings.observers.append(seen.append)
    user = world.create_user("alice", policy=allow("s3:CreateBucket"))
    s3 = world.client("s3", user)
    s3.create_bucket(Bucket=BUCKET)
    client_error(lambda: s3.head_bucket(Bucket=BUCKET))
    assert seen == world.journal.entries
    assert [entry.operation for entry in seen] == ["CreateBucket", "HeadBucket"]


def test_observer_sees_authentication_failure(world: World) -> None:
    seen: list[JournalEntry] = []
    world.settings.observers.append(seen.append)
    client_error(lambda: world.client("sts").get_caller_identity())
    assert [entry.error_code for entry in seen] == ["InvalidClientTokenId"]
