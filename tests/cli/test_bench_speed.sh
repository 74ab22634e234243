#!/usr/bin/env bash
# test_bench_speed.sh: bench/speed.sh answers --help and refuses bad options before it builds, generates or
# times anything (its figures are measured by running it, never by a test).
. "$(dirname "$0")/lib.sh"
S="$SRC/bench/speed.sh"

expect_exit 0 "speed.sh --help" -- bash "$S" --help
expect_output '^usage: bench/speed.sh' "--help gives the usage"
expect_output '--small' "--help names --small"
expect_output 'not available in this build' "--help says what a build without the store prints"
expect_exit 2 "an unknown option" -- bash "$S" --fast
expect_output 'unknown option --fast' "the unknown option is named"
expect_exit 2 "--runs without a value" -- bash "$S" --runs
expect_output '--runs needs a value' "the option missing its value is named"
expect_exit 2 "--runs 0" -- bash "$S" --runs 0
expect_exit 2 "--scale that is no number" -- bash "$S" --scale big
expect_output "--scale wants a number" "--scale's error says what it wants"
expect_exit 2 "generated data inside the repository" -- bash "$S" --data-root "$SRC/bench"
expect_output 'inside the repository' "the repository is refused as the data root"
expect_exit 2 "--claimwatch that is no executable" -- bash "$S" --claimwatch "$TMP/none"
finish
