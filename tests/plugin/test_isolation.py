"""No state leaks from one tgstate test to the next in the same session."""

from __future__ import annotations

import pytest

from .support import ALLOW_ALL, SUBPROCESS_TIMEOUT

INNER_TESTS = f"""
    import pytest
    from botocore.exceptions import ClientError

    pytestmark = pytest.mark.tgstate_policy({ALLOW_ALL})

    def test_create(tgstate):
        print("journal at start of first test", len(tgstate.journal))
        s3 = tgstate.client("s3")
        s3.create_bucket(Bucket="leak-bucket")
        s3.put_object(Bucket="leak-bucket", Key="leak/object", Body=b"x")
        dynamodb = tgstate.client("dynamodb")
        dynamodb.create_table(
            TableName="leak-table",
            AttributeDefinitions=[{{"AttributeName": "id", "AttributeType": "S"}}],
            KeySchema=[{{"AttributeName": "id", "KeyType": "HASH"}}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.put_item(TableName="leak-table", Item={{"id": {{"S": "leak"}}}})
        tgstate.create_user("leak-user")
        tgstate.terragrunt.bootstrap()
        print("created object", tgstate.bucket("leak-bucket").keys)
        print("created item", len(tgstate.table("leak-table").items))

    def test_absent(tgstate):
        print("journal at start of second test", len(tgstate.journal))
        print("leak-bucket exists", tgstate.bucket("leak-bucket").exists)
        print("leak-table exists", tgstate.table("leak-table").exists)
        print("state bucket exists", tgstate.bucket().exists)
        print("lock table exists", tgstate.table().exists)
        try:
            tgstate.client("iam").get_user(UserName="leak-user")
        except ClientError as error:
            print("leak-user", error.response["Error"]["Code"])
        print("results", tgstate.results)
        print("denials", tgstate.denials())
"""

EXPECTED_LINES = [
    "journal at start of first test 0",
    "created object ('leak/object',)",
    "created item 1",
    "journal at start of second test 0",
    "leak-bucket exists False",
    "leak-table exists False",
    "state bucket exists False",
    "lock table exists False",
    "leak-user NoSuchEntity",
    "results []",
    "denials []",
]


def test_state_absent_next_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(INNER_TESTS)
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(EXPECTED_LINES)
    result.assert_outcomes(passed=2)


def test_state_absent_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(INNER_TESTS)
    result = pytester.runpytest_subprocess("-rP", timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines(EXPECTED_LINES)
    result.assert_outcomes(passed=2)


def test_world_marker_not_inherited(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(
            bucket="bootstrapped", table="present", account="111122223333",
            region="eu-west-1", secure_transport=False,
        )
        def test_first(tgstate):
            print("first", tgstate.account, tgstate.region, tgstate.bucket().exists)

        def test_second(tgstate):
            print("second", tgstate.account, tgstate.region, tgstate.bucket().exists)
            print("secure transport", tgstate.world.settings.secure_transport)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "first 111122223333 eu-west-1 True",
            "second 123456789012 us-east-1 False",
            "secure transport True",
        ]
    )
    result.assert_outcomes(passed=2)
