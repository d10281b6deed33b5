#!/usr/bin/env bash
# A throw-away Virtuoso Open Source 7 server on 127.0.0.1 for the tests (and for trying the
# service against Virtuoso by hand):
#
#   scripts/virtuoso.sh DIR HTTP_PORT SQL_PORT
#
# writes DIR/virtuoso.ini (database files in DIR, both ports bound to 127.0.0.1 only, small
# buffers so it starts in a few seconds), starts `virtuoso-t +foreground`, waits until its
# SQL port answers, lets the anonymous SPARQL user write (SPARQL_UPDATE: the service's
# updates go through /sparql like any SPARQL 1.1 client's), prints "ready" and stays in the
# foreground until it is sent SIGTERM or SIGINT, which it passes on to Virtuoso.
# Needs the Debian package virtuoso-opensource-7 (scripts/install-system-deps.sh).
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 DIR HTTP_PORT SQL_PORT" >&2
  exit 2
fi
dir=$(realpath -m "$1")
http_port=$2
sql_port=$3
for binary in virtuoso-t isql-vt; do
  command -v "$binary" >/dev/null || { echo "virtuoso.sh: $binary not found; run scripts/install-system-deps.sh" >&2; exit 3; }
done
share=/usr/share/virtuoso-opensource-7
mkdir -p "$dir"

cat >"$dir/virtuoso.ini" <<EOF
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:$sql_port
DisableUnixSocket    = 1
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = ., $dir, $share/vad
VADInstallDir        = $share/vad/
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
ThreadsPerQuery      = 2

[HTTPServer]
ServerPort           = 127.0.0.1:$http_port
ServerRoot           = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
EOF

virtuoso-t +foreground +configfile "$dir/virtuoso.ini" >"$dir/stdout.log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' TERM INT EXIT

isql() {
  isql-vt "127.0.0.1:$sql_port" dba dba "exec=$1" >/dev/null 2>&1
}
for _ in $(seq 1 600); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "virtuoso.sh: virtuoso-t exited; see $dir/virtuoso.log" >&2
    tail -n 20 "$dir/virtuoso.log" >&2 || true
    exit 1
  fi
  if isql "select 1;"; then
    break
  fi
  sleep 0.1
done
isql 'grant SPARQL_UPDATE to "SPARQL";'
echo ready
wait "$server"
