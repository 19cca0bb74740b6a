#!/usr/bin/env bash
# PostgreSQL: the review workspace's PostgreSQL store (storetest and the
# job tests), two and more `screen serve --db` processes on one database
# (one truth, one winner and one 409, a replica killed with SIGKILL during
# a 200,000-row run) and the chunked jobs of the workspace, against a real
# throw-away PostgreSQL. The tests start their own cluster (Debian's
# postgresql package: initdb and postgres under /usr/lib/postgresql/*/bin)
# in a temporary directory, as an unprivileged user, on a unix socket only;
# SCREEN_REQUIRE_POSTGRES=1 makes a missing PostgreSQL a failure instead of
# a skip, and runs the 200,000-row test.
set -euo pipefail
source .ci/lib/common.sh
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null 2>&1; then
  echo "installing postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
ls -d /usr/lib/postgresql/*/bin 2>/dev/null || command -v initdb
export SCREEN_REQUIRE_POSTGRES=1
go test -count=1 -timeout 30m ./internal/pgtest/ ./web/store/postgres/
go test -count=1 -run 'TestJobsAcrossProcesses|TestSharedStoreKeepsOthersRuns|TestChunkKeepsEveryRecord|TestCloseGivesChunksBack' ./web/
# The race detector on the in-process concurrency: claims, takeovers,
# completions, the outbox lock, the workspace's chunk workers.
go test -race -count=1 -run 'Job|Takeover|ExactlyOnce|Poison|Stalled|OneWinner|Outbox|OpenTogether' ./web/store/postgres/
go test -race -count=1 -run 'TestJobsAcrossProcesses|TestSharedStoreKeepsOthersRuns|TestChunkKeepsEveryRecord|TestCloseGivesChunksBack' ./web/
