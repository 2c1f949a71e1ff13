"""The tgstate markers: registration, argument errors, merging and world options."""

from __future__ import annotations

import pytest

from .support import ALLOW_ALL, SUBPROCESS_TIMEOUT

MARKER_LINES = [
    "@pytest.mark.tgstate_world(*, bucket='missing', table='missing', region=None, "
    "account=None, foreign_account=None, lock=None, config=None, "
    "terragrunt='current', secure_transport=True, preset=None, credentials=None): "
    "Describe the starting state: bucket and table, accounts, region and config.",
    "@pytest.mark.tgstate_policy(policy='full', *, boundary=None, principals=None): "
    "Give the test principal a policy: a policy name, a dict or a JSON file path.",
    "@pytest.mark.tgstate_expect(outcome, *, action=None, resource=None, step=None, "
    'no_denials=False): State the expected outcome: ``"succeeds"``, ``"denied"`` '
    'or ``"denied:s3:X"``.',
    "@pytest.mark.tgstate_matrix(**expectations): Run the test once per policy, "
    "each keyword naming a policy and its expectation.",
]


def test_markers_listing_signatures(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(MARKER_LINES)


def test_markers_pass_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(bucket="bare")
        @pytest.mark.tgstate_policy("full")
        @pytest.mark.tgstate_expect("succeeds")
        def test_marked():
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(passed=1)


#: (marker lines above the test, the one-line error of its setup)
MARKER_ERRORS = {
    "unknown keyword": (
        '@pytest.mark.tgstate_world(bukket="bare")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world(bukket='bare'): "
        "got an unexpected keyword argument 'bukket'",
    ),
    "positional world argument": (
        '@pytest.mark.tgstate_world("bare")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world('bare'): "
        "too many positional arguments",
    ),
    "bad bucket state": (
        '@pytest.mark.tgstate_world(bucket="shiny")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world: bucket='shiny' is "
        "invalid; use one of missing, bare, bootstrapped, foreign",
    ),
    "bad table state": (
        '@pytest.mark.tgstate_world(table="gone")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world: table='gone' is "
        "invalid; use one of missing, present, wrong-key",
    ),
    "bad lock": (
        '@pytest.mark.tgstate_world(lock="redis")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world: lock='redis' is "
        "invalid; use one of dynamodb, lockfile, both, none",
    ),
    "bad account id": (
        '@pytest.mark.tgstate_world(account="123")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world: account='123' is "
        "invalid; an AWS account id is 12 digits",
    ),
    "bad terragrunt behaviour": (
        '@pytest.mark.tgstate_world(terragrunt="0.50")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world: terragrunt='0.50' is "
        "invalid; use 'current' or 'legacy'",
    ),
    "bad config key": (
        '@pytest.mark.tgstate_world(config={"buckett": "x"})',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world: *buckett*",
    ),
    "missing hcl file": (
        '@pytest.mark.tgstate_world(config="nowhere/terragrunt.hcl")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world: "
        "*nowhere/terragrunt.hcl: file not found; pass the path of a unit's "
        "terragrunt.hcl or of its directory",
    ),
    "bad expectation string": (
        '@pytest.mark.tgstate_expect("works")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_expect: expectation 'works' "
        "is invalid; use 'succeeds' or 'denied' (optionally 'denied:s3:GetObject')",
    ),
    "succeeds with action": (
        '@pytest.mark.tgstate_expect("succeeds", action="s3:GetObject")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_expect: expectation "
        "'succeeds' is invalid; 'succeeds' takes no action, resource or step",
    ),
    "denied with no_denials": (
        '@pytest.mark.tgstate_expect("denied", no_denials=True)',
        "test_bad.py::test_bad: @pytest.mark.tgstate_expect: "
        "no_denials=True only goes with 'succeeds'",
    ),
    "expectation without outcome": (
        "@pytest.mark.tgstate_expect()",
        "test_bad.py::test_bad: @pytest.mark.tgstate_expect(): "
        "missing a required argument: 'outcome'",
    ),
    "matrix with no arguments": (
        "@pytest.mark.tgstate_matrix()",
        "test_bad.py::test_bad: @pytest.mark.tgstate_matrix: "
        "tgstate_matrix needs at least one policy=expectation argument",
    ),
    "matrix with bad expectation": (
        '@pytest.mark.tgstate_matrix(full="passes")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_matrix: expectation 'passes' "
        "is invalid; use 'succeeds' or 'denied' (optionally 'denied:s3:GetObject')",
    ),
    "matrix with policy marker": (
        '@pytest.mark.tgstate_policy("full")\n@pytest.mark.tgstate_matrix(full="succeeds")',
        "test_bad.py::test_bad[[]full[]]: tgstate_matrix sets the policy and the "
        "expectation; drop tgstate_policy and tgstate_expect",
    ),
    "matrix with expect marker": (
        '@pytest.mark.tgstate_expect("denied")\n'
        '@pytest.mark.tgstate_matrix(full="succeeds")',
        "test_bad.py::test_bad[[]full[]]: tgstate_matrix sets the policy and the "
        "expectation; drop tgstate_policy and tgstate_expect",
    ),
    "unknown policy name": (
        '@pytest.mark.tgstate_policy("minmal")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_policy: unknown policy name "
        "'minmal'; use one of external-bucket, full, minimal, a dict or a JSON "
        "file path",
    ),
    "policy of wrong type": (
        "@pytest.mark.tgstate_policy(42)",
        "test_bad.py::test_bad: @pytest.mark.tgstate_policy: policy=42 is invalid; "
        "pass a policy name, a dict or a JSON file path",
    ),
    "unknown preset": (
        '@pytest.mark.tgstate_world(preset="nope")',
        "test_bad.py::test_bad: @pytest.mark.tgstate_world: unknown preset 'nope'; "
        "known presets: none registered",
    ),
}


@pytest.mark.parametrize(
    ("markers", "message"), list(MARKER_ERRORS.values()), ids=list(MARKER_ERRORS)
)
def test_marker_error_one_line(
    pytester: pytest.Pytester, markers: str, message: str
) -> None:
    pytester.makepyfile(
        test_bad=f"import pytest\n\n{markers}\ndef test_bad():\n    pass\n"
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_bad*",
            message,
            "*= short test summary info =*",
        ],
        consecutive=True,
    )
    result.assert_outcomes(errors=1)


def test_marker_error_spares_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_matrix()
        def test_empty_matrix():
            pass

        def test_other(tgstate):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)


def test_marker_error_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.tgstate_world(lock="redis")
        def test_bad():
            pass
        """
    )
    result = pytester.runpytest_subprocess(timeout=SUBPROCESS_TIMEOUT)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_bad*",
            "test_bad.py::test_bad: @pytest.mark.tgstate_world: lock='redis' is "
            "invalid; use one of dynamodb, lockfile, both, none",
            "*= short test summary info =*",
        ],
        consecutive=True,
    )
    result.assert_outcomes(errors=1)


WORLD_LEVELS = """
    import pytest

    pytestmark = pytest.mark.tgstate_world(bucket="bare", region="eu-west-1")

    def show(tgstate, label):
        bucket = tgstate.bucket()
        print(label, tgstate.region, bucket.exists, bucket.encryption,
              tgstate.table().exists)

    def test_module(tgstate):
        show(tgstate, "module")

    @pytest.mark.tgstate_world(table="present")
    def test_function_adds_table(tgstate):
        show(tgstate, "function adds table")

    @pytest.mark.tgstate_world(bucket="missing")
    def test_function_wins(tgstate):
        show(tgstate, "function wins")

    @pytest.mark.tgstate_world(bucket="bootstrapped")
    class TestClass:
        def test_class(self, tgstate):
            show(tgstate, "class")

        @pytest.mark.tgstate_world(table="present", region="ap-southeast-2")
        def test_three_levels(self, tgstate):
            show(tgstate, "three levels")
"""


def test_world_merges_closest_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(WORLD_LEVELS)
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "module eu-west-1 True AES256 False",
            "function adds table eu-west-1 True AES256 True",
            "function wins eu-west-1 False None False",
            "class eu-west-1 True aws:kms False",
            "three levels ap-southeast-2 True aws:kms True",
        ]
    )
    result.assert_outcomes(passed=5)


POLICY_LEVELS = """
    import pytest

    STS_ONLY = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
    }

    pytestmark = pytest.mark.tgstate_policy("minimal", boundary=STS_ONLY)

    def show(tgstate, label):
        result = tgstate.terragrunt.bootstrap()
        denial = result.denial
        print(label, tgstate.policy_name, result.outcome,
              denial.action if denial else "-",
              denial.policy_kind if denial else "-")

    def test_module(tgstate):
        show(tgstate, "module")

    @pytest.mark.tgstate_policy("full")
    def test_function_keeps_boundary(tgstate):
        show(tgstate, "function keeps boundary")

    @pytest.mark.tgstate_policy("external-bucket")
    class TestClass:
        def test_class(self, tgstate):
            show(tgstate, "class")

        @pytest.mark.tgstate_policy(boundary={ALLOW_ALL})
        def test_three_levels(self, tgstate):
            show(tgstate, "three levels")
"""


def test_policy_merges_closest_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(POLICY_LEVELS.replace("{ALLOW_ALL}", ALLOW_ALL))
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "module minimal denied s3:ListBucket permissions boundary",
            "function keeps boundary full denied s3:ListBucket permissions boundary",
            "class external-bucket denied s3:ListBucket permissions boundary",
            "three levels external-bucket denied s3:CreateBucket identity-based policy",
        ]
    )
    result.assert_outcomes(passed=4)


def test_policy_principals_created(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_policy("full", principals={"reader": "minimal"})
        def test_principals(tgstate):
            reader = tgstate.principals["reader"]
            print("reader", reader.arn)
            identity = tgstate.client("sts", reader).get_caller_identity()["Arn"]
            print("reader identity", identity)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "reader arn:aws:iam::123456789012:user/reader",
            "reader identity arn:aws:iam::123456789012:user/reader",
        ]
    )
    result.assert_outcomes(passed=1)


def test_expect_closest_replaces_whole(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = [
            pytest.mark.tgstate_policy("minimal"),
            pytest.mark.tgstate_expect("denied:s3:PutBucketOwnershipControls"),
        ]

        def test_module_expectation(tgstate):
            tgstate.terragrunt.bootstrap()

        @pytest.mark.tgstate_policy("full")
        @pytest.mark.tgstate_expect("succeeds")
        def test_function_expectation(tgstate):
            tgstate.terragrunt.bootstrap()
        """
    )
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=2)


def test_config_dict_sets_names(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(
            config={"bucket": "terragrunt-app-state", "key": "app/tf.tfstate",
                    "dynamodb_table": "terragrunt-app-locks"},
        )
        def test_dict(tgstate):
            config = tgstate.config
            print("config", config.bucket, config.key, config.dynamodb_table,
                  config.region)
            print("bootstrap", tgstate.terragrunt.bootstrap().outcome)
            print("table", tgstate.table().name, tgstate.table().exists)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "config terragrunt-app-state app/tf.tfstate terragrunt-app-locks us-east-1",
            "bootstrap succeeded",
            "table terragrunt-app-locks True",
        ]
    )
    result.assert_outcomes(passed=1)


TERRAGRUNT_HCL = """\
remote_state {
  backend = "s3"
  config = {
    bucket         = "terragrunt-unit-${get_aws_account_id()}"
    key            = "${path_relative_to_include()}/terraform.tfstate"
    region         = "eu-west-1"
    encrypt        = true
    dynamodb_table = "terragrunt-unit-locks"
  }
}
"""


def test_config_hcl_relative_to_file(pytester: pytest.Pytester) -> None:
    unit = pytester.mkdir("live") / "app"
    unit.mkdir()
    (unit / "terragrunt.hcl").write_text(TERRAGRUNT_HCL)
    tests = pytester.mkdir("tests")
    (tests / "test_hcl.py").write_text(
        "import pytest\n"
        "\n"
        '@pytest.mark.tgstate_world(config="../live/app/terragrunt.hcl")\n'
        "def test_hcl(tgstate):\n"
        "    config = tgstate.config\n"
        '    print("config", config.bucket, config.dynamodb_table, config.region)\n'
        '    print("world region", tgstate.region)\n'
        '    print("bootstrap", tgstate.terragrunt.bootstrap().outcome)\n'
    )
    result = pytester.runpytest("-rP", "tests")
    result.stdout.fnmatch_lines(
        [
            "config terragrunt-unit-123456789012 terragrunt-unit-locks eu-west-1",
            "world region eu-west-1",
            "bootstrap succeeded",
        ]
    )
    result.assert_outcomes(passed=1)


def test_lock_modes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize(
            "lock",
            [
                pytest.param(lock, marks=pytest.mark.tgstate_world(lock=lock))
                for lock in ("dynamodb", "lockfile", "both", "none")
            ],
        )
        def test_lock(tgstate, lock):
            config = tgstate.config
            tgstate.terragrunt.bootstrap()
            print(lock, repr(config.dynamodb_table), config.use_lockfile,
                  tgstate.table().exists)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "dynamodb 'terragrunt-locks' False True",
            "lockfile '' True False",
            "both 'terragrunt-locks' True True",
            "none '' False False",
        ]
    )
    result.assert_outcomes(passed=4)


def test_region_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(region="eu-central-1")
        def test_region(tgstate):
            print("region", tgstate.region, tgstate.config.region)
            print("client region", tgstate.client("s3").meta.region_name)
            print("bootstrap", tgstate.terragrunt.bootstrap().outcome)
            location = tgstate.world.admin_client("s3").get_bucket_location(
                Bucket="terragrunt-state")
            print("bucket location", location["LocationConstraint"])
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "region eu-central-1 eu-central-1",
            "client region eu-central-1",
            "bootstrap succeeded",
            "bucket location eu-central-1",
        ]
    )
    result.assert_outcomes(passed=1)


def test_terragrunt_legacy_behaviour(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        NO_LIST = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": "*"}
            ],
        }

        pytestmark = pytest.mark.tgstate_policy(NO_LIST)

        def show(tgstate):
            result = tgstate.terragrunt.bootstrap()
            first = result.steps[1]
            print(tgstate.behaviour, first.name, first.outcome)

        def test_current(tgstate):
            show(tgstate)

        @pytest.mark.tgstate_world(terragrunt="legacy")
        def test_legacy(tgstate):
            show(tgstate)
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "current check bucket exists denied",
            "legacy check bucket exists tolerated",
        ]
    )
    result.assert_outcomes(passed=2)


def test_secure_transport_false(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.tgstate_world(bucket="bootstrapped", table="present")

        def show(tgstate, label):
            result = tgstate.terragrunt.bootstrap()
            denial = result.denial
            print(label, result.outcome,
                  f"{denial.reason} by {denial.policy_kind} {denial.statement}"
                  if denial else "-")

        def test_tls(tgstate):
            show(tgstate, "tls")

        @pytest.mark.tgstate_world(secure_transport=False)
        def test_plain_http(tgstate):
            show(tgstate, "plain http")
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "tls succeeded -",
            "plain http denied explicit deny by resource-based policy "
            'Sid "EnforcedTLS"',
        ]
    )
    result.assert_outcomes(passed=2)


def test_preset_from_hook(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def add_logs_bucket(tgstate):
            tgstate.set_bucket_state("bare", bucket="terragrunt-logs")
            tgstate.create_user("auditor", policy="minimal")

        def pytest_tgstate_world_presets(config):
            return {"with-logs": add_logs_bucket}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.tgstate_world(preset="with-logs", bucket="bootstrapped")
        def test_preset(tgstate):
            print("logs bucket", tgstate.bucket("terragrunt-logs").exists)
            print("state bucket", tgstate.bucket().exists)
            auditor = tgstate.world.admin_client("iam").get_user(UserName="auditor")
            print("auditor", auditor["User"]["Arn"])

        @pytest.mark.tgstate_world(preset="without-logs")
        def test_unknown_preset(tgstate):
            pass
        """
    )
    result = pytester.runpytest("-rP")
    result.stdout.fnmatch_lines(
        [
            "test_preset_from_hook.py::test_unknown_preset: "
            "@pytest.mark.tgstate_world: unknown preset 'without-logs'; "
            "known presets: with-logs",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "logs bucket True",
            "state bucket True",
            "auditor arn:aws:iam::123456789012:user/auditor",
        ]
    )
    result.assert_outcomes(passed=1, errors=1)
